import { describe, expect, it } from 'vitest';
import {
  parseCallback,
  parseLenientDate,
  parseLenientInt,
  prepareCallback,
  sanitizeForPostgres,
  UnparseableCallback,
} from '../../inbox/ingest/parse-callback.js';

describe('parseCallback', () => {
  it('reads an mo_sms as TeleSign documents it', () => {
    const p = parseCallback({
      reference_id: '0143D53D86A2030BE20025B600000002',
      status: { code: 1500, description: 'Delivered to customer', updated_on: '2017-01-27T19:46:55.787464Z' },
      submit_timestamp: '2017-01-27T19:46:55.778000Z',
      errors: [],
      sub_resource: 'mo_sms',
      user_response: {
        phone_number: '11234567890',
        sender_id: '4442',
        mo_message: 'Where is my order?',
        action: 'GENERIC',
      },
    });
    expect(p).toEqual({
      kind: 'mo_sms',
      referenceId: '0143D53D86A2030BE20025B600000002',
      customerNumber: '11234567890',
      supportNumber: '4442',
      text: 'Where is my order?',
      submittedAt: new Date('2017-01-27T19:46:55.778Z'),
      action: 'generic',
      flags: {},
    });
  });

  it('flags but keeps a text over 1,600 characters (counted in characters, not UTF-16 units)', () => {
    const mo = (text: string) =>
      parseCallback({
        reference_id: 'R',
        sub_resource: 'mo_sms',
        user_response: { phone_number: '1', sender_id: '2', mo_message: text },
      });
    expect(mo('😀'.repeat(1600))).toMatchObject({ flags: {} });
    expect(mo('a'.repeat(1601))).toMatchObject({ flags: { textOverLimit: true } });
  });

  it('reads a DLR with sub_resource, or without it when status and reference_id are present', () => {
    const body = {
      reference_id: 'R1',
      status: { code: '203', description: 'Delivered to gateway', updated_on: 'Thu, 23 Jun 2022 19:03:44 GMT' },
      external_id: 'm1',
    };
    const expected = {
      kind: 'dlr',
      referenceId: 'R1',
      statusCode: 203,
      externalId: 'm1',
      updatedOn: new Date('2022-06-23T19:03:44Z'),
    };
    expect(parseCallback({ ...body, sub_resource: 'sms' })).toMatchObject(expected);
    expect(parseCallback(body)).toMatchObject(expected);
  });

  it.each([
    [{ sub_resource: 'bulk_sms', reference_id: 'R' }, 'sub_resource bulk_sms is not handled'],
    [
      { sub_resource: 'sms', reference_id: 'R', status: { code: 'abc' } },
      'delivery report without a numeric status.code',
    ],
    [
      {
        sub_resource: 'mo_sms',
        reference_id: 'R',
        user_response: { phone_number: 'abc', sender_id: '1', mo_message: 'x' },
      },
      'mo_sms without a usable user_response.phone_number',
    ],
    [{ sub_resource: 'mo_sms', user_response: {} }, 'mo_sms without reference_id'],
    [{ hello: 'world' }, 'no sub_resource'],
  ])('%j → other: %s', (body, reason) => {
    expect(parseCallback(body)).toMatchObject({ kind: 'other', reason });
  });
});

describe('lenient values', () => {
  it.each([
    ['2016-10-21T14:05:36.181346Z', '2016-10-21T14:05:36.181Z'],
    ['2017-01-27T19:46:55+02:00', '2017-01-27T17:46:55.000Z'],
    ['Thu, 23 Jun 2022 19:03:44 GMT', '2022-06-23T19:03:44.000Z'],
    ['2022-31-03T14:51:28.709526Z', null],
    ['garbage 2020', null],
    [12, null],
  ] as const)('date %j → %s', (input, iso) => {
    expect(parseLenientDate(input)?.toISOString() ?? null).toBe(iso);
  });
  it.each([
    [2, 2],
    ['2', 2],
    [' 200 ', 200],
    ['2e2', null],
    [1.5, null],
    ['', null],
  ] as const)('int %j → %s', (input, n) => {
    expect(parseLenientInt(input)).toBe(n);
  });
  it('replaces NUL and lone surrogates, which Postgres cannot store, and keeps valid pairs', () => {
    expect(sanitizeForPostgres({ 'a\u0000': ['x\u0000', '\ud800', '😀'] })).toEqual({
      'a\uFFFD': ['x\uFFFD', '\uFFFD', '😀'],
    });
  });
  it('copies without recursion: keeps key order and a "__proto__" key as data; refuses beyond the limits', () => {
    const copy = sanitizeForPostgres(JSON.parse('{"b":1,"__proto__":{"x":1},"a":[null,true,"s"]}')) as object;
    expect(Object.keys(copy)).toEqual(['b', '__proto__', 'a']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(JSON.stringify(copy)).toBe('{"b":1,"__proto__":{"x":1},"a":[null,true,"s"]}');
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(() => sanitizeForPostgres(deep)).toThrow(UnparseableCallback);
    expect(sanitizeForPostgres(JSON.parse(`${'['.repeat(32)}${']'.repeat(32)}`))).toBeDefined();
    expect(() => sanitizeForPostgres(JSON.parse(`${'['.repeat(33)}${']'.repeat(33)}`))).toThrow(/deeper than 32/);
  });
  it('prepareCallback marks an over-deep body unparseable instead of throwing', () => {
    const deep = JSON.parse(`{"sub_resource":"mo_sms","x":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`);
    expect(prepareCallback(deep)).toEqual({
      payload: { unparseable: 'unparseable: JSON nested deeper than 32 levels' },
      parsed: {
        kind: 'other',
        subResource: null,
        referenceId: null,
        reason: 'unparseable: JSON nested deeper than 32 levels',
      },
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../../support/stack.js';
import {
  call,
  createAccount,
  createNumber,
  createQueue,
  createWorkstream,
  expectProblem,
  UNKNOWN_ID,
} from './helpers.js';

let s: TestStack;
let accountId: string;
beforeAll(async () => {
  s = await createTestStack({ worker: false });
  accountId = (await createAccount(s)).id;
});
afterAll(() => s.close());

const add = (body: unknown, account = accountId) =>
  call(s, 'POST', `/messaging-accounts/${account}/phone-numbers`, body);

describe('SMS phone numbers', () => {
  it('adds a number and answers { id, accountId, number, type, description }', async () => {
    const r = await add({ number: '14252306549', type: 'geo', description: 'US support line' });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({
      id: expect.any(String),
      accountId,
      number: '14252306549',
      type: 'geo',
      description: 'US support line',
    });
  });

  it.each([
    ['+14252306549', 'number must contain digits only: remove the leading +'],
    ['1 425 230 6549', 'number must contain digits only: remove the spaces'],
    ['1-425-230-6549', 'number must contain digits only: remove the dashes'],
    ['1425CALLNOW', 'number must contain digits only: letters are not allowed'],
  ])('rejects %s with a 422 saying exactly which rule failed', async (number, rule) => {
    const p = expectProblem(await add({ number, type: 'geo' }), 422);
    expect(p.detail).toBe(rule);
    expect(p.errors).toEqual([{ path: 'number', message: rule }]);
  });

  it('rejects a geo number that is too short and a short code that is too long', async () => {
    expect(expectProblem(await add({ number: '12345', type: 'geo' }), 422).detail).toMatch(/7 to 15 digits/);
    expect(expectProblem(await add({ number: '1234567', type: 'short_code' }), 422).detail).toMatch(/5 to 6 digits/);
  });

  it('accepts short codes and toll-free numbers', async () => {
    expect((await add({ number: '55123', type: 'short_code' })).status).toBe(201);
    expect((await add({ number: '18005550100', type: 'toll_free' })).status).toBe(201);
  });

  it('rejects an unknown type and a numeric number', async () => {
    const p = expectProblem(await add({ number: 14252306549, type: 'mobile' }), 422);
    expect(p.errors!.map((e) => e.path).sort()).toEqual(['number', 'type']);
    expect(p.detail).toContain('type: must be one of geo, short_code, toll_free');
  });

  it('answers 409 for a duplicate number, even on another account', async () => {
    await createNumber(s, accountId, '447700900123');
    const other = await createAccount(s, { name: 'Other' });
    const p = expectProblem(await add({ number: '447700900123', type: 'geo' }, other.id), 409);
    expect(p.detail).toBe('number 447700900123 is already registered');
  });

  it('answers 404 for an unknown account', async () => {
    const p = expectProblem(await add({ number: '447700900999', type: 'geo' }, UNKNOWN_ID), 404);
    expect(p.detail).toContain(UNKNOWN_ID);
  });

  it('lists all numbers and the numbers of one account', async () => {
    const other = await createAccount(s, { name: 'Lister' });
    const n = await createNumber(s, other.id, '35928000001');
    const all = await call(s, 'GET', '/phone-numbers');
    expect(all.body.items.map((x: { number: string }) => x.number)).toEqual(
      expect.arrayContaining(['14252306549', '35928000001']),
    );
    const mine = await call(s, 'GET', `/phone-numbers?accountId=${other.id}`);
    expect(mine.body.items).toEqual([expect.objectContaining({ id: n.id, accountId: other.id, channelId: null })]);
    const nested = await call(s, 'GET', `/messaging-accounts/${other.id}/phone-numbers`);
    expect(nested.body.items.map((x: { id: string }) => x.id)).toEqual([n.id]);
  });

  it('changes description and type, re-checking the number against the new type', async () => {
    const n = await createNumber(s, accountId, '35928000009');
    const r = await call(s, 'PATCH', `/phone-numbers/${n.id}`, { description: 'Sofia office', type: 'toll_free' });
    expect(r.body).toMatchObject({ description: 'Sofia office', type: 'toll_free', number: '35928000009' });
    const p = expectProblem(await call(s, 'PATCH', `/phone-numbers/${n.id}`, { type: 'short_code' }), 422);
    expect(p.errors).toEqual([{ path: 'type', message: expect.stringMatching(/5 to 6 digits for a short code/) }]);
    expectProblem(await call(s, 'PATCH', `/phone-numbers/${n.id}`, { number: '35928000010' }), 422);
    expectProblem(await call(s, 'PATCH', `/phone-numbers/${UNKNOWN_ID}`, { description: 'x' }), 404);
  });

  it('deletes a number; unknown ids answer 404', async () => {
    const n = await createNumber(s, accountId, '35928000002');
    expect((await call(s, 'DELETE', `/phone-numbers/${n.id}`)).status).toBe(204);
    expectProblem(await call(s, 'DELETE', `/phone-numbers/${n.id}`), 404);
    expectProblem(await call(s, 'GET', `/phone-numbers/${UNKNOWN_ID}`), 404);
  });

  it('refuses to delete a number (or its account) while it serves an SMS channel', async () => {
    const acc = await createAccount(s, { name: 'Bound' });
    const n = await createNumber(s, acc.id, '35928000003');
    const q = await createQueue(s, 'Bound queue');
    const ws = await createWorkstream(s, q.id);
    const ch = await call(s, 'POST', `/workstreams/${ws.id}/sms-channels`, { phoneNumberId: n.id, language: 'bg' });
    expect(ch.status, ch.text).toBe(201);
    expect(expectProblem(await call(s, 'DELETE', `/phone-numbers/${n.id}`), 409).detail).toMatch(/serves SMS channel/);
    expect(expectProblem(await call(s, 'DELETE', `/messaging-accounts/${acc.id}`), 409).detail).toMatch(
      /serving SMS channels/,
    );
    const read = await call(s, 'GET', `/phone-numbers/${n.id}`);
    expect(read.body.channelId).toBe(ch.body.id);
  });
});

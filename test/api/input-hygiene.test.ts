import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app/create-app.js';
import { users } from '../../db/schema/index.js';
import { createLogger } from '../../lib/logger.js';
import { createTestStack, type TestStack } from '../support/stack.js';
import { call, expectProblem } from './setup/helpers.js';

// Strings PostgreSQL cannot store (NUL) or that have no UTF-8 form (lone surrogates) are refused at validation, on
// every route, with a 422 naming the field; none reaches a query (which used to answer 500).

let s: TestStack;
let logged: Record<string, unknown>[];

beforeAll(async () => {
  s = await createTestStack({ worker: false });
  logged = [];
  const logger = createLogger('info', { write: (line: string) => logged.push(JSON.parse(line)) });
  s = { ...s, app: createApp({ config: s.config, db: s.db.db, sql: s.db.sql, temporal: s.temporal, logger }) };
});
afterAll(() => s?.close());

const NUL_RULE = 'must not contain NUL (U+0000)';
const SURROGATE_RULE = 'must not contain an unpaired UTF-16 surrogate';

describe('NUL bytes and lone surrogates in any input', () => {
  it('a NUL in a JSON name → 422 naming body.name, nothing stored', async () => {
    const p = expectProblem(await call(s, 'POST', '/queues', { name: 'Billing\u0000x', agentIds: [] }), 422);
    expect(p.errors).toEqual([{ path: 'body.name', message: NUL_RULE }]);
    expect(p.detail).toBe(`body.name: ${NUL_RULE}`);
    const list = await call(s, 'GET', '/queues');
    expect(JSON.stringify(list.body)).not.toContain('Billing');
  });

  it('a lone surrogate escaped in JSON (\\ud800) → 422 naming the field', async () => {
    const raw = '{"name":"abc\\ud800def","agentIds":[]}';
    const p = expectProblem(await call(s, 'POST', '/queues', raw), 422);
    expect(p.errors).toEqual([{ path: 'body.name', message: SURROGATE_RULE }]);
    // A well-formed pair (an emoji, escaped) is fine.
    expect((await call(s, 'POST', '/queues', '{"name":"ok \\ud83d\\ude00","agentIds":[]}')).status).toBe(201);
  });

  it('a NUL in a query parameter → 422 naming query.targetId, never 500', async () => {
    const r = await call(s, 'GET', `/audit-log?targetId=%00${'a'.repeat(20)}`);
    const p = expectProblem(r, 422);
    expect(p.errors).toEqual([{ path: 'query.targetId', message: NUL_RULE }]);
  });

  it('names a nested field and a bad key, and lists them with other validation failures', async () => {
    const p = expectProblem(await call(s, 'POST', '/queues', { name: '', agentIds: ['x\u0000'], ['k\u0000']: 1 }), 422);
    expect(p.errors).toEqual(
      expect.arrayContaining([
        { path: 'body.agentIds.0', message: NUL_RULE },
        { path: 'body.k\ufffd', message: `key ${NUL_RULE}` },
      ]),
    );
    expect(p.errors?.some((e) => e.path === 'name')).toBe(true);
  });

  it('a NUL in a path parameter → a problem (422 or no such route), never 500', async () => {
    for (const path of ['/conversations/%00abc', '/queues/x%00', '/queues/%00']) {
      const r = await call(s, 'GET', path);
      expect([404, 422], `${path}: ${r.text}`).toContain(r.status);
      expect(r.contentType).toMatch(/problem\+json/);
    }
  });

  it('a NUL in a sign-in form field → 422 naming form.token', async () => {
    const res = await s.app.request('http://smsdesk.test/app/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://smsdesk.test' },
      body: 'token=sd_%00abc&next=%2Fapp',
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await res.json()).errors).toEqual([{ path: 'form.token', message: NUL_RULE }]);
  });

  it('nothing above was answered 500 or logged as an unhandled error', () => {
    expect(logged.filter((l) => l.msg === 'unhandled error')).toEqual([]);
    expect(logged.filter((l) => (l.status as number) >= 500)).toEqual([]);
  });
});

describe('failed-query logs', () => {
  it('carry the statement but none of its parameters (a token hash here)', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) });
    const secretHash = 'f00dfeedcafe0123456789abcdef';
    // A NUL makes PostgreSQL refuse the statement: a real DrizzleQueryError with its parameters in the message.
    const err = await s.db.db
      .select()
      .from(users)
      .where(eq(users.tokenHash, `${secretHash}\u0000`))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(String((err as Error).message)).toContain(secretHash);
    logger.error({ err, requestId: 'r1' }, 'unhandled error');
    logger.warn({ error: err }, 'Activity failed');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(secretHash);
      expect(line).toContain('token_hash');
      expect(line).toContain('params: [redacted]');
    }
    const entry = JSON.parse(lines[0] as string);
    expect(entry.err.params).toBe('[redacted]');
    expect(entry.err.stack).not.toContain(secretHash);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../../api/deps.js';
import { listen } from '../../../api/server.js';
import { createApp } from '../../../app/create-app.js';
import { createDb, type DbHandle } from '../../../db/client.js';
import { createLogger } from '../../../lib/logger.js';
import { callbackHeaders } from '../../../telesign/signature.js';
import { createAgent } from '../../support/seed.js';
import { createTestStack, TEST_ADMIN_TOKEN, type TestStack } from '../../support/stack.js';
import { createAccount, moBody } from '../webhooks/support.js';

// Rate limits live in Postgres, so every replica shares them: failed credentials per client address and per token
// prefix, authenticated requests per user. TeleSign's webhook is never limited.
const LIMIT = 5;
let s: TestStack;
let replicaDb: DbHandle;
/** Two "replicas": separate apps with separate connection pools on one database, each on its own port. */
let a: { port: number; close: () => Promise<void> };
let b: { port: number; close: () => Promise<void> };

beforeAll(async () => {
  s = await createTestStack({
    worker: false,
    env: { AUTH_FAILURE_LIMIT: String(LIMIT), AUTH_FAILURE_WINDOW_SECONDS: '60', TRUST_PROXY: '1' },
  });
  replicaDb = createDb(s.db.url, { max: 4 });
  const deps = (db: DbHandle): ApiDeps => ({
    config: s.config,
    db: db.db,
    sql: db.sql,
    temporal: s.temporal,
    logger: createLogger('silent'),
  });
  a = await listen(createApp(deps(s.db)), 0, '127.0.0.1');
  b = await listen(createApp(deps(replicaDb)), 0, '127.0.0.1');
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await replicaDb?.close();
  await s?.close();
});

let n = 0;
/** A fresh client address (through the trusted proxy) and a fresh token prefix per test. */
const newAddress = () => `198.51.100.${++n}`;
const badToken = (prefix: string) => `${prefix}${crypto.randomUUID()}`;
const me = (port: number, token: string, xff: string) =>
  fetch(`http://127.0.0.1:${port}/api/v1/me`, {
    headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': xff },
  });
const signIn = (port: number, token: string, xff: string) =>
  fetch(`http://127.0.0.1:${port}/app/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: `http://127.0.0.1:${port}`,
      'x-forwarded-for': xff,
    },
    body: new URLSearchParams({ token, next: '/app' }).toString(),
    redirect: 'manual',
  });

async function expectRateLimited(res: Response) {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const body = await res.json();
  expect(body.status).toBe(429);
  expect(body.detail).toMatch(/retry after/);
}

describe('failed bearer tokens', () => {
  it(`the ${LIMIT + 1}th bad token from one address is answered 429 with Retry-After; a valid token still works`, async () => {
    const ip = newAddress();
    for (let i = 0; i < LIMIT; i++) expect((await me(a.port, badToken(`x${n}${i}`), ip)).status).toBe(401);
    await expectRateLimited(await me(a.port, badToken(`x${n}z`), ip));
    // The address's failures do not lock out an honest user behind the same address (a 256-bit token is not guessed).
    expect((await me(a.port, TEST_ADMIN_TOKEN, ip)).status).toBe(200);
    // Another address is unaffected.
    expect((await me(a.port, badToken('other-'), newAddress())).status).toBe(401);
  });

  it('two API replicas on one database share the count', async () => {
    const ip = newAddress();
    for (let i = 0; i < LIMIT; i++) {
      expect((await me(i % 2 ? a.port : b.port, badToken(`r${n}${i}`), ip)).status).toBe(401);
    }
    await expectRateLimited(await me(a.port, badToken(`r${n}a`), ip));
    await expectRateLimited(await me(b.port, badToken(`r${n}b`), ip));
  });

  it('guesses at one token prefix from many addresses are limited per prefix', async () => {
    const prefix = `sd_P${n}`.padEnd(8, 'q'); // the first 8 characters key the limit
    for (let i = 0; i < LIMIT; i++) expect((await me(a.port, badToken(prefix), newAddress())).status).toBe(401);
    await expectRateLimited(await me(b.port, badToken(prefix), newAddress()));
  });

  it('300 bad tokens in a burst: at most the limit get 401, the rest 429', async () => {
    const ip = newAddress();
    const statuses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        me(i % 2 ? a.port : b.port, badToken(`burst${i}-`), ip).then((r) => r.status),
      ),
    );
    expect(statuses.filter((st) => st === 401).length).toBe(LIMIT);
    expect(statuses.filter((st) => st === 429).length).toBe(300 - LIMIT);
  });
});

describe('failed sign-ins', () => {
  it(`the ${LIMIT + 1}th bad sign-in from one address is 429 with Retry-After (problem+json)`, async () => {
    const ip = newAddress();
    for (let i = 0; i < LIMIT; i++) expect((await signIn(a.port, badToken(`s${n}${i}`), ip)).status).toBe(401);
    await expectRateLimited(await signIn(b.port, badToken(`s${n}x`), ip));
    // A valid token signs in from that address all the same.
    const ok = await signIn(a.port, TEST_ADMIN_TOKEN, ip);
    expect(ok.status).toBe(303);
  });

  it('bad tokens and bad sign-ins count together for one address', async () => {
    const ip = newAddress();
    for (let i = 0; i < LIMIT; i++) {
      const res = i % 2 ? await signIn(a.port, badToken(`m${n}${i}`), ip) : await me(a.port, badToken(`m${n}${i}`), ip);
      expect(res.status).toBe(401);
    }
    await expectRateLimited(await signIn(a.port, badToken(`m${n}y`), ip));
  });
});

describe('client address', () => {
  it('X-Forwarded-For is ignored unless TRUST_PROXY says so: rotating it does not escape the limit', async () => {
    const untrusting = createApp({
      config: { ...s.config, TRUST_PROXY: 0 },
      db: s.db.db,
      sql: s.db.sql,
      temporal: s.temporal,
      logger: createLogger('silent'),
    });
    const server = await listen(untrusting, 0, '127.0.0.1');
    try {
      for (let i = 0; i < LIMIT; i++) {
        expect((await me(server.port, badToken(`t${i}-`), newAddress())).status).toBe(401);
      }
      await expectRateLimited(await me(server.port, badToken('t-last-'), newAddress()));
      // Counted under the socket's address, not a catch-all.
      const [row] = await s.db.sql`select hits from rate_limits where key = 'auth-fail:ip:127.0.0.1'`;
      expect(row?.hits).toBe(LIMIT + 1);
    } finally {
      await server.close();
    }
  });

  it('with TRUST_PROXY=1 only the entry our proxy appended counts, not what the client put before it', async () => {
    const ip = newAddress();
    for (let i = 0; i < LIMIT; i++) {
      expect((await me(a.port, badToken(`f${n}${i}`), `10.9.9.${i}, ${ip}`)).status).toBe(401);
    }
    await expectRateLimited(await me(a.port, badToken(`f${n}z`), `10.9.9.77, ${ip}`));
  });
});

describe('requests per token', () => {
  it('beyond API_RATE_LIMIT_PER_MINUTE a valid token gets 429 with Retry-After, on every replica', async () => {
    const agent = await createAgent(s.db.db);
    const limited = (db: DbHandle) =>
      createApp({
        config: { ...s.config, API_RATE_LIMIT_PER_MINUTE: 6 },
        db: db.db,
        sql: db.sql,
        temporal: s.temporal,
        logger: createLogger('silent'),
      });
    const [x, y] = [limited(s.db), limited(replicaDb)];
    for (let i = 0; i < 6; i++) {
      expect((await (i % 2 ? x : y).request('/api/v1/me', { headers: agent.headers })).status).toBe(200);
    }
    await expectRateLimited(await x.request('/api/v1/me', { headers: agent.headers }));
    // Another user's budget is separate.
    expect((await y.request('/api/v1/me', { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).status).toBe(
      200,
    );
  });
});

describe('TeleSign webhook', () => {
  it('is never rate-limited: a flood of bad and good callbacks from a blocked address gets 401 and 200, never 429', async () => {
    const ip = newAddress();
    for (let i = 0; i < LIMIT + 1; i++) await me(a.port, badToken(`w${n}${i}`), ip);
    expect((await me(a.port, badToken(`w${n}z`), ip)).status).toBe(429);
    const account = await createAccount(s.db.db, s.config);
    const post = (i: number) => {
      const raw = JSON.stringify(moBody({ from: '15550001111', to: '15550002222', text: `flood ${i}` }));
      const headers =
        i % 3 === 0 ? callbackHeaders(account.customerId, account.apiKey, raw) : { authorization: 'TSA x:y' };
      return fetch(`http://127.0.0.1:${i % 2 ? a.port : b.port}/webhooks/telesign/${account.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, ...headers },
        body: raw,
      }).then((r) => r.status);
    };
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) => post(i)));
    expect(statuses).not.toContain(429);
    expect(statuses.filter((st) => st === 200).length).toBe(100);
    expect(statuses.filter((st) => st === 401).length).toBe(200);
  });
});

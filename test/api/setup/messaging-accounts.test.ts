import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../app/create-app.js';
import { auditLog, messagingAccounts } from '../../../db/schema/index.js';
import { freePort } from '../../../dev/temporal-dev-server.js';
import { createLogger } from '../../../lib/logger.js';
import { decryptSecret, keyringFromConfig } from '../../../lib/secrets.js';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { API_KEY, call, createAccount, expectProblem, UNKNOWN_ID } from './helpers.js';

let s: TestStack;
const logLines: string[] = [];
let hanging: Server;

beforeAll(async () => {
  const base = await createTestStack({ worker: false });
  // Same stack, but every log line at every level is captured, so the leak test sees what production would log.
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger('trace', sink);
  const app = createApp({ config: base.config, db: base.db.db, sql: base.db.sql, temporal: base.temporal, logger });
  s = { ...base, app };
  hanging = createServer(() => {
    /* never answers: TeleSign timing out */
  });
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  hanging.closeAllConnections();
  await new Promise((r) => hanging.close(r));
  await s.close();
});

describe('messaging accounts', () => {
  it('creates an account and answers with hint, callback URL and unvalidated status, never the key', async () => {
    const r = await call(s, 'POST', '/messaging-accounts', {
      name: 'Main',
      provider: 'telesign',
      customerId: 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890',
      apiKey: API_KEY,
      restEndpoint: 'https://rest-ww.telesign.com/',
    });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.any(String),
      name: 'Main',
      provider: 'telesign',
      customerId: 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890',
      apiKeyHint: `…${API_KEY.slice(-4)}`,
      restEndpoint: 'https://rest-ww.telesign.com',
      callbackUrl: `http://smsdesk.test/webhooks/telesign/${r.body.id}`,
      enabled: true,
      validation: { status: 'unvalidated' },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(r.text).not.toContain(API_KEY);
  });

  it('stores the key encrypted under the configured key id, decryptable by the worker', async () => {
    const { id } = await createAccount(s);
    const row = await s.db.db.query.messagingAccounts.findFirst({ where: eq(messagingAccounts.id, id) });
    expect(row!.apiKeyCiphertext).toMatch(/^v1\.k1\./);
    expect(row!.apiKeyCiphertext).not.toContain(API_KEY);
    expect(decryptSecret(row!.apiKeyCiphertext, keyringFromConfig(s.config))).toBe(API_KEY);
  });

  it('lists and reads accounts with their callback URL', async () => {
    const { id } = await createAccount(s, { name: 'Listed' });
    const list = await call(s, 'GET', '/messaging-accounts');
    expect(list.status).toBe(200);
    expect(list.body.items.find((a: { id: string }) => a.id === id)).toMatchObject({
      name: 'Listed',
      callbackUrl: `http://smsdesk.test/webhooks/telesign/${id}`,
    });
    const one = await call(s, 'GET', `/messaging-accounts/${id}`);
    expect(one.body).toMatchObject({ id, callbackUrl: `http://smsdesk.test/webhooks/telesign/${id}` });
  });

  it('renames, disables and rotates the key; rotation resets validation and is audited without the secret', async () => {
    const { id } = await createAccount(s);
    await s.db.db
      .update(messagingAccounts)
      .set({ validationStatus: 'valid', validationCheckedAt: new Date() })
      .where(eq(messagingAccounts.id, id));
    const newKey = 'bmV3LXJvdGF0ZWQtYXBpLWtleS12YWx1ZS0wMDAwMDAwMg==';
    const r = await call(s, 'PATCH', `/messaging-accounts/${id}`, { name: 'Renamed', enabled: false, apiKey: newKey });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ name: 'Renamed', enabled: false, apiKeyHint: `…${newKey.slice(-4)}` });
    expect(r.body.validation).toEqual({ status: 'unvalidated' });
    expect(r.text).not.toContain(newKey);
    const audits = await s.db.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(audits.map((a) => a.action).sort()).toEqual(
      ['messaging_account.api_key_rotated', 'messaging_account.api_key_set', 'messaging_account.updated'].sort(),
    );
    const auditText = JSON.stringify(audits);
    expect(auditText).not.toContain(newKey);
    expect(auditText).not.toContain(API_KEY);
  });

  it('shows secret changes in GET /audit-log with hints only', async () => {
    const { id } = await createAccount(s);
    const r = await call(s, 'GET', `/audit-log?targetType=messaging_account&targetId=${id}`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.items).toEqual([
      expect.objectContaining({
        action: 'messaging_account.api_key_set',
        targetId: id,
        details: expect.objectContaining({ apiKeyHint: `…${API_KEY.slice(-4)}`, keyId: 'k1' }),
      }),
    ]);
    expect(r.text).not.toContain(API_KEY);
    const page = await call(s, 'GET', '/audit-log?limit=1');
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextBefore).toBe(page.body.items[0].id);
  });

  it('keeps the validation status when only the name changes', async () => {
    const { id } = await createAccount(s);
    await s.db.db.update(messagingAccounts).set({ validationStatus: 'valid' }).where(eq(messagingAccounts.id, id));
    const r = await call(s, 'PATCH', `/messaging-accounts/${id}`, { name: 'Only name' });
    expect(r.body.validation.status).toBe('valid');
  });

  it('rejects bad input with a 422 naming field and rule', async () => {
    const p = expectProblem(
      await call(s, 'POST', '/messaging-accounts', {
        name: 'x',
        provider: 'twilio',
        customerId: 'ok',
        apiKey: 'short',
      }),
      422,
    );
    const paths = p.errors!.map((e) => e.path).sort();
    expect(paths).toEqual(['apiKey', 'provider']);
    expect(p.detail).toContain('apiKey: must be at least 16 characters');
    expect(p.detail).toContain('provider: must be "telesign"');
  });

  it('rejects a restEndpoint that is not an http(s) URL', async () => {
    const p = expectProblem(
      await call(s, 'POST', '/messaging-accounts', {
        name: 'x',
        customerId: 'abc',
        apiKey: API_KEY,
        restEndpoint: 'ftp://example.com',
      }),
      422,
    );
    expect(p.errors).toEqual([{ path: 'restEndpoint', message: 'must use https or http' }]);
  });

  it('answers 404 for unknown and malformed ids', async () => {
    expectProblem(await call(s, 'GET', `/messaging-accounts/${UNKNOWN_ID}`), 404);
    expectProblem(await call(s, 'PATCH', `/messaging-accounts/${UNKNOWN_ID}`, { name: 'n' }), 404);
    expectProblem(await call(s, 'DELETE', `/messaging-accounts/${UNKNOWN_ID}`), 404);
    expectProblem(await call(s, 'POST', `/messaging-accounts/${UNKNOWN_ID}/validate`), 404);
    // A segment that is not a UUID cannot name an account: no route matches it.
    expectProblem(await call(s, 'GET', '/messaging-accounts/not-a-uuid'), 404, { errors: false });
  });

  it('deletes an account', async () => {
    const { id } = await createAccount(s);
    expect((await call(s, 'DELETE', `/messaging-accounts/${id}`)).status).toBe(204);
    expectProblem(await call(s, 'GET', `/messaging-accounts/${id}`), 404);
  });

  it('validate reports an unreachable TeleSign host and stores the outcome', async () => {
    const port = await freePort();
    const { id } = await createAccount(s, { restEndpoint: `http://127.0.0.1:${port}` });
    const r = await call(s, 'POST', `/messaging-accounts/${id}/validate`);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ valid: false, reason: 'unreachable', host: `http://127.0.0.1:${port}` });
    const read = await call(s, 'GET', `/messaging-accounts/${id}`);
    expect(read.body.validation).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/^unreachable/) });
    expect(Date.parse(read.body.validation.checkedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('validate gives up after 5 s when TeleSign does not answer', async () => {
    const { port } = hanging.address() as AddressInfo;
    const { id } = await createAccount(s, { restEndpoint: `http://127.0.0.1:${port}` });
    const started = Date.now();
    const r = await call(s, 'POST', `/messaging-accounts/${id}/validate`);
    const took = Date.now() - started;
    expect(r.body).toMatchObject({ valid: false, reason: 'timeout' });
    expect(took).toBeGreaterThanOrEqual(4500);
    expect(took).toBeLessThan(15_000);
  }, 30_000);
});

describe('the API key never leaks', () => {
  it('appears in no response body, list, log line, audit row or error message', async () => {
    const secretA = 'U0VDUkVULUFQSS1LRVktQUFBQUFBQUFBQUFBQUFBQUFBQUE=';
    const secretB = 'U0VDUkVULUFQSS1LRVktQkJCQkJCQkJCQkJCQkJCQkJCQkI=';
    const secretC = 'not base64 at all but still secret CCCCCCCCCC';
    const texts: string[] = [];
    const record = <T extends { text: string }>(r: T): T => {
      texts.push(r.text);
      return r;
    };
    const created = record(
      await call(s, 'POST', '/messaging-accounts', { name: 'Leak', customerId: 'C1', apiKey: secretA }),
    );
    const id = created.body.id as string;
    record(await call(s, 'GET', '/messaging-accounts'));
    record(await call(s, 'GET', `/messaging-accounts/${id}`));
    record(await call(s, 'PATCH', `/messaging-accounts/${id}`, { apiKey: secretB }));
    // Validation failures elsewhere in the body must not echo the key …
    record(await call(s, 'POST', '/messaging-accounts', { name: '', customerId: 'bad id!', apiKey: secretA }));
    // … nor a failure of the key itself, nor an unknown extra field, nor a malformed body.
    record(await call(s, 'POST', '/messaging-accounts', { name: 'x', customerId: 'C1', apiKey: secretC }));
    record(await call(s, 'PATCH', `/messaging-accounts/${id}`, { apiKey: secretC, extra: secretA }));
    record(await call(s, 'POST', '/messaging-accounts', `{"name":"x","apiKey":"${secretA}"`));
    record(await call(s, 'PATCH', `/messaging-accounts/${UNKNOWN_ID}`, { apiKey: secretA }));
    // A live validation decrypts the key and talks to TeleSign (unreachable here).
    await call(s, 'PATCH', `/messaging-accounts/${id}`, { restEndpoint: `http://127.0.0.1:${await freePort()}` });
    record(await call(s, 'POST', `/messaging-accounts/${id}/validate`));

    expect(texts.filter((t) => t.includes('"status":422')).length).toBe(3);
    expect(logLines.length).toBeGreaterThan(0);
    const audits = JSON.stringify(await s.db.db.select().from(auditLog));
    const rows = JSON.stringify(await s.db.db.select().from(messagingAccounts));
    for (const secret of [secretA, secretB, secretC]) {
      for (const t of texts) expect(t).not.toContain(secret);
      for (const line of logLines) expect(line).not.toContain(secret);
      expect(audits).not.toContain(secret);
      expect(rows).not.toContain(secret);
    }
  });
});

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../app/create-app.js';
import { messagingAccounts } from '../../../db/schema/index.js';
import { createLogger } from '../../../lib/logger.js';
import { type Simulator, startSimulator } from '../../../telesign/simulator/server.js';
import { createTestStack, type TestStack, testConfig } from '../../support/stack.js';
import { call, createAccount } from './helpers.js';

let s: TestStack;
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  s = await createTestStack({ worker: false, env: { TELESIGN_BASE_URL: sim.url } });
});
afterAll(async () => {
  await s.close();
  await sim.stop();
});

const KEY = Buffer.alloc(48, 9).toString('base64');

async function validate(body: Record<string, unknown>) {
  const { id } = await createAccount(s, body);
  const r = await call(s, 'POST', `/messaging-accounts/${id}/validate`);
  expect(r.status, r.text).toBe(200);
  const read = await call(s, 'GET', `/messaging-accounts/${id}`);
  return { result: r.body, stored: read.body.validation, text: r.text + read.text };
}

describe('POST /messaging-accounts/{id}/validate against the TeleSign simulator', () => {
  it('reports valid credentials on the default host and stores status and time', async () => {
    const acc = sim.addAccount({ apiKey: KEY });
    const { result, stored, text } = await validate({ customerId: acc.customerId, apiKey: KEY });
    expect(result).toMatchObject({ valid: true, reason: 'ok', host: sim.url });
    expect(stored).toMatchObject({ status: 'valid', checkedAt: expect.any(String) });
    expect(stored.reason).toBeUndefined();
    expect(text).not.toContain(KEY);
  });

  it('uses the account restEndpoint over TELESIGN_BASE_URL', async () => {
    const acc = sim.addAccount({ apiKey: KEY });
    const { result } = await validate({ customerId: acc.customerId, apiKey: KEY, restEndpoint: `${sim.url}/` });
    expect(result).toMatchObject({ valid: true, host: sim.url });
  });

  it('distinguishes a bad customer ID', async () => {
    sim.addAccount({ apiKey: KEY });
    const { result, stored } = await validate({ customerId: 'AAAAAAAA-0000-0000-0000-000000000000', apiKey: KEY });
    expect(result).toMatchObject({ valid: false, reason: 'bad_customer_id', statusCode: 10015 });
    expect(stored).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/^bad_customer_id/) });
  });

  it('distinguishes a bad API key', async () => {
    const acc = sim.addAccount({ apiKey: KEY });
    const wrong = Buffer.alloc(48, 1).toString('base64');
    const { result, text } = await validate({ customerId: acc.customerId, apiKey: wrong });
    expect(result).toMatchObject({ valid: false, reason: 'bad_api_key' });
    expect(text).not.toContain(wrong);
  });

  it('distinguishes a suspended account and a host not allowed for the account', async () => {
    const suspended = sim.addAccount({ apiKey: KEY, suspended: true });
    expect((await validate({ customerId: suspended.customerId, apiKey: KEY })).result).toMatchObject({
      valid: false,
      reason: 'account_suspended',
    });
    const elsewhere = sim.addAccount({ apiKey: KEY, allowedHost: false });
    expect((await validate({ customerId: elsewhere.customerId, apiKey: KEY })).result).toMatchObject({
      valid: false,
      reason: 'host_not_allowed',
    });
  });

  it('a later successful validation clears the stored reason', async () => {
    const acc = sim.addAccount({ apiKey: KEY });
    const { id } = await createAccount(s, {
      customerId: acc.customerId,
      apiKey: Buffer.alloc(48, 2).toString('base64'),
    });
    expect((await call(s, 'POST', `/messaging-accounts/${id}/validate`)).body.valid).toBe(false);
    await call(s, 'PATCH', `/messaging-accounts/${id}`, { apiKey: KEY });
    expect((await call(s, 'POST', `/messaging-accounts/${id}/validate`)).body.valid).toBe(true);
    expect((await call(s, 'GET', `/messaging-accounts/${id}`)).body.validation).toEqual({
      status: 'valid',
      checkedAt: expect.any(String),
    });
  });

  it('after an encryption-key rotation, old envelopes still work and validation moves them to the new key', async () => {
    const acc = sim.addAccount({ apiKey: KEY });
    const { id } = await createAccount(s, { customerId: acc.customerId, apiKey: KEY });
    const stored = async () =>
      (await s.db.db.query.messagingAccounts.findFirst({ where: eq(messagingAccounts.id, id) }))!.apiKeyCiphertext;
    expect(await stored()).toMatch(/^v1\.k1\./);
    // The operator rotates: a new current key k2, the old key kept in ENCRYPTION_OLD_KEYS.
    const rotated = testConfig({
      DATABASE_URL: s.db.url,
      TELESIGN_BASE_URL: sim.url,
      ENCRYPTION_KEY: Buffer.alloc(32, 8).toString('base64'),
      ENCRYPTION_KEY_ID: 'k2',
      ENCRYPTION_OLD_KEYS: `k1:${s.config.ENCRYPTION_KEY}`,
    });
    const app = createApp({
      config: rotated,
      db: s.db.db,
      sql: s.db.sql,
      temporal: s.temporal,
      logger: createLogger('silent'),
    });
    const res = await app.request(`/api/v1/messaging-accounts/${id}/validate`, {
      method: 'POST',
      headers: s.adminHeaders,
    });
    expect(await res.json()).toMatchObject({ valid: true });
    expect(await stored()).toMatch(/^v1\.k2\./);
  });
});

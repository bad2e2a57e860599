import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outboundActivities } from '../../../activities/outbound.js';
import { createApp } from '../../../app/create-app.js';
import { conversations, messages, messagingAccounts } from '../../../db/schema/index.js';
import { createLogger } from '../../../lib/logger.js';
import { type Simulator, startSimulator } from '../../../telesign/simulator/server.js';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { API_KEY, call, createAccount, expectProblem } from './helpers.js';

/**
 * The TeleSign API key goes only to allowed hosts. A capture server on 127.0.0.1 that is NOT on the allowlist stands
 * for an attacker's host: whatever an admin types, validates or sends, it must see zero requests.
 */
let s: TestStack;
let sim: Simulator;
let capture: Server;
let captureUrl: string;
let redirector: Server;
let redirectorUrl: string;
let leaky: Server;
let leakyUrl: string;
const captured: IncomingMessage[] = [];
const logLines: string[] = [];
const KEY = Buffer.alloc(48, 5).toString('base64');
const INTERNAL = 'INTERNAL-ONLY-7f3a9c';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<[Server, string]> {
  const srv = createServer(handler);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return [srv, `http://127.0.0.1:${(srv.address() as AddressInfo).port}`];
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  [capture, captureUrl] = await listen((req, res) => {
    captured.push(req);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: { code: 10017, description: `captured ${req.headers.authorization}` } }));
  });
  // Allowed hosts that misbehave: one redirects to the capture server, one answers with internal data and the key.
  [redirector, redirectorUrl] = await listen((_req, res) => {
    res.writeHead(302, { location: `${captureUrl}/v1/messaging/x` });
    res.end();
  });
  [leaky, leakyUrl] = await listen((req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: { code: 99999, description: `${INTERNAL} ${req.headers.authorization}` } }));
  });
  const base = await createTestStack({
    worker: false,
    // Only the simulator (as TELESIGN_BASE_URL) and the two misbehaving hosts; no loopback wildcard.
    env: { TELESIGN_BASE_URL: sim.url, TELESIGN_ALLOWED_HOSTS: `${redirectorUrl},${leakyUrl}` },
  });
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const app = createApp({
    config: base.config,
    db: base.db.db,
    sql: base.db.sql,
    temporal: base.temporal,
    logger: createLogger('trace', sink),
  });
  s = { ...base, app };
});
afterAll(async () => {
  await s.close();
  await sim.stop();
  for (const srv of [capture, redirector, leaky]) {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  }
});
beforeEach(() => {
  captured.length = 0;
});

describe('restEndpoint must be an allowed https origin', () => {
  it('refuses hosts off the allowlist and SSRF spellings with 422 naming restEndpoint, on create and on update', async () => {
    const port = (capture.address() as AddressInfo).port;
    const tricks = [
      captureUrl, // plain http, not allowed
      `https://127.0.0.1:${port}`,
      `http://0x7f000001:${port}`, // 127.0.0.1 in hex
      `http://2130706433:${port}`, // 127.0.0.1 as one number
      `http://[::1]:${port}`, // IPv6 loopback
      `https://[::ffff:127.0.0.1]:${port}`,
      `http://localhost:${port}`,
      'https://rest-ww.telesign.com#',
      `https://rest-ww.telesign.com#@127.0.0.1:${port}`,
      'https://rest-ww.telesign.com?',
      'https://rest-ww.telesign.com/?x=1',
      'https://rest-ww.telesign.com/v1/messaging',
      'https://user:pass@rest-ww.telesign.com',
      `https://rest-ww.telesign.com@127.0.0.1:${port}`,
      'https://rest-ww.telesign.com:8443',
      'https://rest-ww.telesign.com.attacker.example',
      'http://rest-ww.telesign.com', // right host, wrong scheme
      `${sim.url}/sim`, // an allowed origin with a path
      'ftp://rest-ww.telesign.com',
    ];
    const { id } = await createAccount(s, { restEndpoint: 'https://rest-ww.telesign.com' });
    for (const restEndpoint of tricks) {
      const created = expectProblem(
        await call(s, 'POST', '/messaging-accounts', { name: 'x', customerId: 'C-1', apiKey: API_KEY, restEndpoint }),
        422,
      );
      expect(created.errors, restEndpoint).toEqual([{ path: 'restEndpoint', message: expect.any(String) }]);
      const patched = expectProblem(await call(s, 'PATCH', `/messaging-accounts/${id}`, { restEndpoint }), 422);
      expect(patched.errors, restEndpoint).toEqual([{ path: 'restEndpoint', message: expect.any(String) }]);
    }
    expect((await call(s, 'GET', `/messaging-accounts/${id}`)).body.restEndpoint).toBe('https://rest-ww.telesign.com');
    expect(captured).toHaveLength(0);
  });

  it("accepts TeleSign's published hosts, TELESIGN_BASE_URL and listed origins, stored in canonical form", async () => {
    for (const [given, stored] of [
      ['https://rest-ww.telesign.com/', 'https://rest-ww.telesign.com'],
      ['https://REST-API.telesign.com', 'https://rest-api.telesign.com'],
      [`${sim.url}/`, sim.url],
      [leakyUrl, leakyUrl],
    ] as const) {
      const r = await call(s, 'POST', '/messaging-accounts', {
        name: 'ok',
        customerId: 'C-1',
        apiKey: API_KEY,
        restEndpoint: given,
      });
      expect(r.status, r.text).toBe(201);
      expect(r.body.restEndpoint).toBe(stored);
    }
  });
});

/**
 * An account saved while the capture server's host was allowed (written straight to the row, as the API would refuse
 * it now) and a conversation of it with a customer, for the send paths.
 */
async function conversationOnCaptureEndpoint(customerNumber: string) {
  const { id: accountId } = await createAccount(s, { apiKey: KEY });
  await s.db.db.update(messagingAccounts).set({ restEndpoint: captureUrl }).where(eq(messagingAccounts.id, accountId));
  const conversationId = randomUUID();
  await s.db.db.insert(conversations).values({
    id: conversationId,
    workflowId: `conv:${accountId}:14252306549:${customerNumber}`,
    runId: 'run',
    accountId,
    customerNumber,
    supportNumber: '14252306549',
  });
  return { accountId, conversationId };
}

describe('the key never reaches a host that is not allowed', () => {
  it('validate refuses a stored endpoint that is no longer allowed, without connecting to it', async () => {
    // Saved while the host was allowed; the operator has since removed it from TELESIGN_ALLOWED_HOSTS.
    const { id } = await createAccount(s, { apiKey: KEY });
    await s.db.db.update(messagingAccounts).set({ restEndpoint: captureUrl }).where(eq(messagingAccounts.id, id));
    const r = await call(s, 'POST', `/messaging-accounts/${id}/validate`);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ valid: false, reason: 'host_not_allowed' });
    expect(captured).toHaveLength(0);
  });

  it('a send to such an endpoint fails for good before any request is made', async () => {
    const { accountId, conversationId } = await conversationOnCaptureEndpoint('15551230001');
    const messageId = randomUUID();
    await s.db.db
      .insert(messages)
      .values({ id: messageId, conversationId, direction: 'outbound', text: 'hello', status: 'queued' });
    const { deliverOutbound } = outboundActivities({ db: s.db.db, config: s.config });
    const err = await deliverOutbound({
      messageId,
      accountId,
      supportNumber: '14252306549',
      customerNumber: '15551230001',
    }).catch((e: unknown) => e as { nonRetryable?: boolean; type?: string; message: string });
    expect(err).toMatchObject({ nonRetryable: true, type: 'FinalSendError' });
    expect((err as Error).message).toMatch(/not an allowed TeleSign host/);
    const row = await s.db.db.query.messages.findFirst({ where: eq(messages.id, messageId) });
    expect(row!.status).toBe('failed');
    expect(captured).toHaveLength(0);
  });

  it('the look-up before a resend is not sent to such an endpoint either', async () => {
    const { accountId, conversationId } = await conversationOnCaptureEndpoint('15551230002');
    // An earlier attempt's outcome is unknown, so this one asks TeleSign by external_id before sending.
    const messageId = randomUUID();
    await s.db.db.insert(messages).values({
      id: messageId,
      conversationId,
      direction: 'outbound',
      text: 'hello',
      status: 'queued',
      attempts: 1,
      sendOutcomeUnknown: true,
    });
    const { deliverOutbound } = outboundActivities({ db: s.db.db, config: s.config });
    const err = await deliverOutbound({
      messageId,
      accountId,
      supportNumber: '14252306549',
      customerNumber: '15551230002',
    }).catch((e: unknown) => e as Error);
    expect((err as Error).message).toMatch(/not an allowed TeleSign host/);
    expect(captured).toHaveLength(0);
  });

  it('a redirect from an allowed host is not followed', async () => {
    const { id } = await createAccount(s, { apiKey: KEY, restEndpoint: redirectorUrl });
    const r = await call(s, 'POST', `/messaging-accounts/${id}/validate`);
    expect(r.body).toMatchObject({ valid: false, reason: 'provider_error' });
    expect(captured).toHaveLength(0);
  });

  it("validate returns a reason, never the provider's text; the log has it without the key", async () => {
    const { id } = await createAccount(s, { apiKey: KEY, customerId: 'C-LEAK', restEndpoint: leakyUrl });
    logLines.length = 0;
    const r = await call(s, 'POST', `/messaging-accounts/${id}/validate`);
    expect(r.body).toEqual({ valid: false, reason: 'provider_error', host: leakyUrl, checkedAt: expect.any(String) });
    expect(r.text).not.toContain(INTERNAL);
    const stored = await call(s, 'GET', `/messaging-accounts/${id}`);
    expect(stored.body.validation).toMatchObject({ status: 'invalid', reason: 'provider_error' });
    expect(stored.text).not.toContain(INTERNAL);
    const log = logLines.join('\n');
    expect(log).toContain(INTERNAL);
    expect(log).not.toContain(KEY);
    expect(log).not.toContain(Buffer.from(`C-LEAK:${KEY}`).toString('base64'));
  });
});

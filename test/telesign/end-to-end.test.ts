import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageStatusEvents, messages } from '../../db/schema/index.js';
import { createProviderAllowlist } from '../../lib/egress-allowlist.js';
import { createTelesignClient } from '../../telesign/rest-client.js';
import { type Simulator, startSimulator } from '../../telesign/simulator/server.js';
import { createAccount, type TestAccount } from '../api/webhooks/support.js';
import { createTestStack, eventually, type TestStack } from '../support/stack.js';

/**
 * The seed's data flow through the simulator, over real HTTP both ways: a customer's text becomes a conversation;
 * a reply sent with our REST client reaches the simulated phone and its delivery reports come back and land.
 */
let s: TestStack;
let sim: Simulator;
let server: ReturnType<typeof serve>;
let appUrl: string;
const SUPPORT = '14252306549';

beforeAll(async () => {
  sim = await startSimulator({ dlrDelaysMs: [50, 150], callbackRetry: { timeoutMs: 2000, delaysMs: [200, 400, 600] } });
  // The default host is a dead port; accounts point at the simulator, which the allowlist names explicitly.
  s = await createTestStack({ env: { TELESIGN_BASE_URL: 'http://127.0.0.1:9', TELESIGN_ALLOWED_HOSTS: sim.url } });
  server = serve({ fetch: s.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => (server.listening ? r() : server.once('listening', () => r())));
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sim?.stop();
  await new Promise<void>((r) => server.close(() => r()));
  await s?.close();
});

async function linkedAccount(numbers: string[]): Promise<{ acc: TestAccount; customerId: string; apiKey: string }> {
  const simAcc = sim.addAccount({ numbers });
  const acc = await createAccount(s.db.db, s.config, { numbers, customerId: simAcc.customerId, apiKey: simAcc.apiKey });
  sim.setCallbackUrl(simAcc.customerId, `${appUrl}/webhooks/telesign/${acc.id}`);
  return { acc, customerId: simAcc.customerId, apiKey: simAcc.apiKey };
}

describe('through the TeleSign simulator', () => {
  it('a customer text reaches a conversation; a reply reaches the phone and comes back delivered', async () => {
    const { customerId, apiKey } = await linkedAccount([SUPPORT]);
    const phone = sim.phone('15554440001');
    const sent = await phone.send(SUPPORT, 'Where is my order?');
    expect(sent.callback.attempts[0]?.httpStatus).toBe(200);

    const [inbound] = await eventually(async () => {
      const r = await s.db
        .sql`select id, conversation_id, text from messages where provider_reference_id = ${sent.referenceId}`;
      return r.length ? r : undefined;
    });
    expect(inbound!.text).toBe('Where is my order?');
    const conversationId = inbound!.conversation_id as string;

    // The agent reply as the send activity makes it: a queued outbound row, then our client with external_id.
    const messageId = randomUUID();
    await s.db.db
      .insert(messages)
      .values({ id: messageId, conversationId, direction: 'outbound', text: 'It ships today.', status: 'queued' });
    const res = await createTelesignClient({
      baseUrl: sim.url,
      allowlist: createProviderAllowlist([sim.url]),
      customerId,
      apiKey,
      authMethod: 'digest',
    }).sendSms({
      phoneNumber: '15554440001',
      message: 'It ships today.',
      senderId: SUPPORT,
      externalId: messageId,
    });
    expect(res).toMatchObject({ httpStatus: 200, statusCode: 290 });

    expect(phone.received().map((m) => m.text)).toContain('It ships today.');
    const delivered = await eventually(async () => {
      const [m] = await s.db.db.select().from(messages).where(eq(messages.id, messageId));
      return m?.status === 'delivered' ? m : undefined;
    });
    expect(delivered).toMatchObject({ providerStatusCode: 200, providerReferenceId: res.referenceId });
    const history = await s.db.db
      .select({ code: messageStatusEvents.statusCode })
      .from(messageStatusEvents)
      .where(eq(messageStatusEvents.messageId, messageId));
    expect(history.map((h) => h.code)).toEqual([203, 200]);
  });

  it('duplicated and reordered delivery reports leave one history row per status and the final status', async () => {
    const number = '14252306550';
    const { customerId, apiKey } = await linkedAccount([number]);
    const sent = await sim.phone('15554440002').send(number, 'hello');
    const [inbound] = await eventually(async () => {
      const r = await s.db.sql`select conversation_id from messages where provider_reference_id = ${sent.referenceId}`;
      return r.length ? r : undefined;
    });
    const messageId = randomUUID();
    await s.db.db.insert(messages).values({
      id: messageId,
      conversationId: inbound!.conversation_id as string,
      direction: 'outbound',
      text: 'x',
      status: 'queued',
    });
    sim.faults.set({ duplicateCallbacks: true, outOfOrderCallbacks: true });
    try {
      await createTelesignClient({
        baseUrl: sim.url,
        allowlist: createProviderAllowlist([sim.url]),
        customerId,
        apiKey,
      }).sendSms({
        phoneNumber: '15554440002',
        message: 'x',
        senderId: number,
        externalId: messageId,
      });
      await new Promise((r) => setTimeout(r, 400));
      await sim.settle();
    } finally {
      sim.faults.reset();
    }
    const [m] = await s.db.db.select().from(messages).where(eq(messages.id, messageId));
    expect(m).toMatchObject({ status: 'delivered', providerStatusCode: 200 });
    const history = await s.db.db
      .select({ code: messageStatusEvents.statusCode })
      .from(messageStatusEvents)
      .where(eq(messageStatusEvents.messageId, messageId));
    expect(history.map((h) => h.code)).toEqual([200, 203]);
  });

  it('an agent reply through the API reaches the phone and is marked delivered', async () => {
    const number = '14252306551';
    const simAcc = sim.addAccount({ numbers: [number] });
    const admin = { ...s.adminHeaders, 'content-type': 'application/json' };
    const post = async (path: string, body: unknown, headers: Record<string, string> = admin) => {
      const r = await s.app.request(`/api/v1${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const json = await r.json();
      if (r.status >= 300) throw new Error(`${path} → ${r.status} ${JSON.stringify(json)}`);
      return json;
    };
    const agent = await post('/agents', { name: 'Ada', role: 'agent', capacity: 10 });
    const queue = await post('/queues', {
      name: `e2e-${randomUUID()}`,
      assignmentMethod: 'highest_capacity',
      agentIds: [agent.id],
    });
    const ws = await post('/workstreams', { name: 'e2e', defaultQueueId: queue.id, autoAccept: true });
    const account = await post('/messaging-accounts', {
      name: 'sim',
      provider: 'telesign',
      customerId: simAcc.customerId,
      apiKey: simAcc.apiKey,
      restEndpoint: sim.url,
    });
    const pn = await post(`/messaging-accounts/${account.id}/phone-numbers`, { number, type: 'geo' });
    await post(`/workstreams/${ws.id}/sms-channels`, { phoneNumberId: pn.id, language: 'en' });
    sim.setCallbackUrl(simAcc.customerId, `${appUrl}/webhooks/telesign/${account.id}`);
    const agentHeaders = { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' };
    const presence = await s.app.request('/api/v1/me/presence', {
      method: 'PUT',
      headers: agentHeaders,
      body: JSON.stringify({ presence: 'available' }),
    });
    expect(presence.status).toBe(200);

    const phone = sim.phone('15554440003');
    await phone.send(number, 'My package is late');
    const conv = await eventually(async () => {
      const [c] = await s.db.sql`select id, state, agent_id from conversations where customer_number = '15554440003'`;
      return c && c.agent_id === agent.id && c.state === 'active' ? c : undefined;
    }, 30_000);
    const reply = await s.app.request(`/api/v1/conversations/${conv.id}/messages`, {
      method: 'POST',
      headers: agentHeaders,
      body: JSON.stringify({ text: 'Sorry! It arrives tomorrow.' }),
    });
    expect(reply.status).toBe(202);
    await eventually(async () => phone.received().some((m) => m.text === 'Sorry! It arrives tomorrow.'), 30_000);
    await eventually(async () => {
      const [m] = await s.db
        .sql`select status from messages where conversation_id = ${conv.id} and text = 'Sorry! It arrives tomorrow.'`;
      return m?.status === 'delivered';
    }, 30_000);
  }, 90_000);
});

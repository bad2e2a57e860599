import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackgroundServices } from '../../../api/background.js';
import { listen } from '../../../api/server.js';
import { provision } from '../../../examples/provision.js';
import { createLogger } from '../../../lib/logger.js';
import { type Simulator, startSimulator } from '../../../telesign/simulator/server.js';
import { createTestStack, eventually, TEST_ADMIN_TOKEN, type TestStack } from '../../support/stack.js';

// Error semantics of the actions against the real conversation workflow (not the stub): the workflow's refusals
// arrive as problems, and a refused send never reaches TeleSign.
let s: TestStack;
let sim: Simulator;
let server: Awaited<ReturnType<typeof listen>>;
let background: Awaited<ReturnType<typeof startBackgroundServices>>;
let base: string;
let agent: { id: string; token: string };
let supervisorToken: string;
const supportNumber = '14255550100';

beforeAll(async () => {
  sim = await startSimulator({ port: 0, dlrDelaysMs: [20, 50] });
  s = await createTestStack({ env: { TELESIGN_BASE_URL: sim.url, INBOX_RELAY_INTERVAL_MS: '200' } });
  const deps = { config: s.config, db: s.db.db, sql: s.db.sql, temporal: s.temporal, logger: createLogger('silent') };
  background = await startBackgroundServices(deps);
  server = await listen(s.app, 0, '127.0.0.1');
  base = `http://127.0.0.1:${server.port}`;
  const acc = sim.addAccount({ numbers: [supportNumber] });
  const setup = await provision({
    baseUrl: base,
    token: TEST_ADMIN_TOKEN,
    customerId: acc.customerId,
    apiKey: acc.apiKey,
    number: supportNumber,
    restEndpoint: sim.url,
  });
  sim.setCallbackUrl(acc.customerId, `${base}/webhooks/telesign/${setup.accountId}`);
  agent = { id: setup.agentId, token: setup.agentToken };
  const sup = await call(TEST_ADMIN_TOKEN, 'POST', '/agents', { name: 'Sue', role: 'supervisor', capacity: 0 });
  supervisorToken = sup.body.token;
  await call(agent.token, 'PUT', '/me/presence', { presence: 'available' });
});
afterAll(async () => {
  await server?.close();
  await background?.stop();
  await s?.close();
  await sim?.stop();
});

async function call(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** The customer texts; resolves with the conversation once it is offered to the agent. */
async function offeredConversation(customer: string, text = 'hello') {
  await sim.phone(customer).send(supportNumber, text);
  return eventually(async () => {
    const r = await call(agent.token, 'GET', '/me/conversations');
    return r.body.items.find(
      (c: { customerNumber: string; offeredAgentId: string }) =>
        c.customerNumber === customer && c.offeredAgentId === agent.id,
    ) as { id: string } | undefined;
  });
}

describe('actions on the real conversation workflow', () => {
  it('a supervisor ending an open conversation gets 409 naming the state', async () => {
    const conv = await offeredConversation('15550100001');
    const r = await call(supervisorToken, 'POST', `/conversations/${conv.id}/end`);
    expect(r.status).toBe(409);
    expect(r.body.detail).toContain('open');
  });

  it('after STOP, a reply answers 409 opted_out and nothing is sent to TeleSign', async () => {
    const customer = '15550100002';
    const conv = await offeredConversation(customer);
    expect((await call(agent.token, 'POST', `/conversations/${conv.id}/accept`)).status).toBe(200);
    await sim.phone(customer).send(supportNumber, 'STOP');
    await eventually(async () => (await call(agent.token, 'GET', `/conversations/${conv.id}`)).body.customer.optedOut);
    const r = await call(agent.token, 'POST', `/conversations/${conv.id}/messages`, { text: 'are you still there?' });
    expect(r.status).toBe(409);
    expect(r.body.detail).toBe('opted_out');
    // The opt-out confirmation may still be on its way; the refused reply must never arrive.
    await new Promise((res) => setTimeout(res, 500));
    await sim.settle();
    expect(
      sim
        .phone(customer)
        .received()
        .map((m) => m.text),
    ).not.toContain('are you still there?');
    await call(agent.token, 'POST', `/conversations/${conv.id}/close`);
  });

  it('force-close by a supervisor closes the conversation; afterwards every action is 409', async () => {
    const conv = await offeredConversation('15550100003');
    expect((await call(agent.token, 'POST', `/conversations/${conv.id}/accept`)).status).toBe(200);
    expect((await call(agent.token, 'POST', `/conversations/${conv.id}/force-close`)).status).toBe(403);
    const closed = await call(supervisorToken, 'POST', `/conversations/${conv.id}/force-close`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ state: 'closed', resolution: 'force_closed' });
    const send = await call(agent.token, 'POST', `/conversations/${conv.id}/messages`, { text: 'hi' });
    expect(send.status).toBe(409);
    expect(send.body.detail).toContain('closed');
  });

  it('wait releases capacity and puts the conversation in waiting; transfer to an unknown queue is 404', async () => {
    const conv = await offeredConversation('15550100004');
    expect((await call(agent.token, 'POST', `/conversations/${conv.id}/accept`)).status).toBe(200);
    const used = (await call(agent.token, 'GET', '/me')).body.capacity.used;
    const unknown = await call(agent.token, 'POST', `/conversations/${conv.id}/transfer`, {
      queueId: crypto.randomUUID(),
    });
    expect(unknown.status).toBe(404);
    const waiting = await call(agent.token, 'POST', `/conversations/${conv.id}/wait`);
    expect(waiting.status).toBe(200);
    expect(waiting.body.state).toBe('waiting');
    expect((await call(agent.token, 'GET', '/me')).body.capacity.used).toBe(used - 1);
  });

  it('an agent becoming available is offered the conversation that waited while nobody was', async () => {
    expect((await call(agent.token, 'PUT', '/me/presence', { presence: 'offline' })).status).toBe(200);
    const customer = '15550100005';
    await sim.phone(customer).send(supportNumber, 'anyone there?');
    const waiting = await eventually(async () => {
      const r = await call(supervisorToken, 'GET', '/conversations?state=open');
      return r.body.items.find(
        (c: { customerNumber: string; queueId: string | null }) => c.customerNumber === customer && c.queueId,
      ) as { id: string; offeredAgentId: string | null } | undefined;
    });
    await new Promise((res) => setTimeout(res, 500));
    expect((await call(supervisorToken, 'GET', `/conversations/${waiting.id}`)).body.offeredAgentId).toBeNull();
    const started = Date.now();
    expect((await call(agent.token, 'PUT', '/me/presence', { presence: 'available' })).status).toBe(200);
    await eventually(
      async () => (await call(agent.token, 'GET', `/conversations/${waiting.id}`)).body.offeredAgentId === agent.id,
      10_000,
    );
    // Well before the workflow's 5-minute fallback cycle: the presence change signalled it.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

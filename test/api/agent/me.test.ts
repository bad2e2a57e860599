import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, presenceHistory } from '../../../db/schema/index.js';
import { nudgeWaitingConversations } from '../../../temporal/nudge-waiting.js';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { makeAccount, makeConversation, makeQueue, makeUser, makeWorkstream } from './fixtures.js';
import { startStubWorker } from './stub-worker.js';
import { nudgesQuery } from './stub-workflow.js';

let s: TestStack;
let stub: Awaited<ReturnType<typeof startStubWorker>>;
let accountId: string;

beforeAll(async () => {
  s = await createTestStack({ worker: false });
  stub = await startStubWorker(s);
  accountId = await makeAccount(s.db.db);
});
afterAll(async () => {
  await stub?.stop();
  await s?.close();
});

const putPresence = (headers: Record<string, string>, presence: unknown) =>
  s.app.request('/api/v1/me/presence', {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ presence }),
  });

/** An open, unassigned conversation waiting since `minutesAgo`, backed by a stub workflow that counts nudges. */
async function waiting(queueId: string, workstreamId: string | null, minutesAgo: number, extra = {}) {
  const conv = await makeConversation(s.db.db, accountId, {
    state: 'open',
    queueId,
    workstreamId,
    lastCustomerMessageAt: new Date(Date.now() - minutesAgo * 60_000),
    ...extra,
  });
  const { runId } = await stub.start(conv.workflowId, { conversationId: conv.id });
  await s.db.db.update(conversations).set({ runId }).where(eq(conversations.id, conv.id));
  return conv;
}
const nudges = (workflowId: string) => s.temporal.workflow.getHandle(workflowId).query(nudgesQuery);

describe('GET /me', () => {
  it('returns id, name, role, presence and capacity', async () => {
    const u = await makeUser(s.db.db, { name: 'Ana', capacity: 4, capacityUsed: 1, presence: 'away' });
    const res = await s.app.request('/api/v1/me', { headers: u.headers });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: u.id,
      name: 'Ana',
      role: 'agent',
      presence: 'away',
      capacity: { total: 4, used: 1 },
    });
  });

  it('answers 401 without or with a bad token', async () => {
    expect((await s.app.request('/api/v1/me')).status).toBe(401);
    expect((await s.app.request('/api/v1/me', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });
});

describe('PUT /me/presence', () => {
  it('changes presence and records it in presence history as manual', async () => {
    const u = await makeUser(s.db.db);
    const res = await putPresence(u.headers, 'busy_dnd');
    expect(res.status).toBe(200);
    expect((await res.json()).presence).toBe('busy_dnd');
    await putPresence(u.headers, 'busy_dnd');
    const history = await s.db.db.select().from(presenceHistory).where(eq(presenceHistory.userId, u.id));
    expect(history.map((h) => [h.presence, h.source])).toEqual([['busy_dnd', 'manual']]);
  });

  it('rejects an unknown presence with 422 naming the field', async () => {
    const u = await makeUser(s.db.db);
    const res = await putPresence(u.headers, 'lunch');
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].path).toBe('presence');
  });

  it('becoming available nudges the longest-waiting conversations of the agent’s queues, up to free capacity + 2', async () => {
    const u = await makeUser(s.db.db, { capacity: 3, capacityUsed: 2, presence: 'offline' });
    const q = await makeQueue(s.db.db, [u.id]);
    const ws = await makeWorkstream(s.db.db, q);
    const oldest = await Promise.all([50, 40, 30].map((m) => waiting(q, ws, m)));
    const newest = await waiting(q, ws, 5);
    const assigned = await waiting(q, ws, 60, { agentId: u.id, state: 'active' });
    const offered = await waiting(q, ws, 60, { offeredAgentId: crypto.randomUUID() });
    const otherQueue = await waiting(await makeQueue(s.db.db), ws, 90);

    expect((await putPresence(u.headers, 'available')).status).toBe(200);
    for (const c of oldest) expect(await nudges(c.workflowId)).toBe(1);
    for (const c of [newest, assigned, offered, otherQueue]) expect(await nudges(c.workflowId)).toBe(0);
  });

  it('does not nudge when the new presence is one the workstream does not route to, or offline', async () => {
    const u = await makeUser(s.db.db, { presence: 'available' });
    const q = await makeQueue(s.db.db, [u.id]);
    const ws = await makeWorkstream(s.db.db, q, 'push', ['available']);
    const conv = await waiting(q, ws, 10);
    await putPresence(u.headers, 'busy');
    await putPresence(u.headers, 'offline');
    expect(await nudges(conv.workflowId)).toBe(0);
    await putPresence(u.headers, 'available');
    expect(await nudges(conv.workflowId)).toBe(1);
  });

  it('does not nudge an agent with no free capacity', async () => {
    const u = await makeUser(s.db.db, { capacity: 2, capacityUsed: 2 });
    const q = await makeQueue(s.db.db, [u.id]);
    const conv = await waiting(q, await makeWorkstream(s.db.db, q), 10);
    await putPresence(u.headers, 'available');
    expect(await nudges(conv.workflowId)).toBe(0);
  });
});

describe('nudgeWaitingConversations', () => {
  it('skips conversations whose workflow has ended and reports what it signalled', async () => {
    const q = await makeQueue(s.db.db);
    const gone = await makeConversation(s.db.db, accountId, {
      state: 'open',
      queueId: q,
      lastCustomerMessageAt: new Date(Date.now() - 60_000),
    });
    const live = await waiting(q, null, 0.5);
    const result = await nudgeWaitingConversations({ db: s.db.db, temporal: s.temporal, queueIds: [q], limit: 5 });
    expect(result.signalled).toEqual([live.id]);
    expect(result.failed).toEqual([]);
    expect(gone.id).not.toBe(live.id);
  });
});

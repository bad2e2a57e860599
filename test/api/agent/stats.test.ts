import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offers } from '../../../db/schema/index.js';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { makeAccount, makeConversation, makeQueue, makeUser, type TestUser } from './fixtures.js';

let s: TestStack;
let accountId: string;
let sue: TestUser;

beforeAll(async () => {
  s = await createTestStack({ worker: false });
  accountId = await makeAccount(s.db.db);
  sue = await makeUser(s.db.db, { role: 'supervisor', name: 'Sue' });
});
afterAll(() => s?.close());

const get = async (path: string, headers: Record<string, string>) => {
  const res = await s.app.request(`/api/v1${path}`, { headers });
  return { status: res.status, body: await res.json() };
};

describe('GET /queues/{id}/stats', () => {
  it('counts conversations by state, the longest wait and available agents', async () => {
    const free = await makeUser(s.db.db, { presence: 'available', capacity: 2, capacityUsed: 1 });
    const full = await makeUser(s.db.db, { presence: 'available', capacity: 2, capacityUsed: 2 });
    const away = await makeUser(s.db.db, { presence: 'away' });
    const q = await makeQueue(s.db.db, [free.id, full.id, away.id]);
    const at = (m: number) => new Date(Date.now() - m * 60_000);
    await makeConversation(s.db.db, accountId, { queueId: q, state: 'open', lastCustomerMessageAt: at(7) });
    await makeConversation(s.db.db, accountId, { queueId: q, state: 'open', lastCustomerMessageAt: at(2) });
    // Offered but not yet accepted: still open and unassigned, so it counts as open.
    await makeConversation(s.db.db, accountId, {
      queueId: q,
      state: 'open',
      offeredAgentId: free.id,
      lastCustomerMessageAt: at(3),
    });
    await makeConversation(s.db.db, accountId, {
      queueId: q,
      state: 'active',
      agentId: free.id,
      lastCustomerMessageAt: at(60),
    });
    await makeConversation(s.db.db, accountId, { queueId: q, state: 'waiting', agentId: free.id });
    await makeConversation(s.db.db, accountId, { queueId: q, state: 'wrap_up', agentId: full.id });
    await makeConversation(s.db.db, accountId, { queueId: q, state: 'closed' });
    await makeConversation(s.db.db, accountId, {
      queueId: await makeQueue(s.db.db),
      state: 'open',
      lastCustomerMessageAt: at(99),
    });
    const r = await get(`/queues/${q}/stats`, sue.headers);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ open: 3, active: 1, waiting: 1, wrapUp: 1, agentsAvailable: 1 });
    expect(r.body.longestWaitSeconds).toBeGreaterThanOrEqual(7 * 60 - 1);
    expect(r.body.longestWaitSeconds).toBeLessThan(8 * 60);
  });

  it('answers 404 for an unknown queue and 403 to agents', async () => {
    const agent = await makeUser(s.db.db);
    expect((await get(`/queues/${crypto.randomUUID()}/stats`, sue.headers)).status).toBe(404);
    expect((await get(`/queues/${await makeQueue(s.db.db)}/stats`, agent.headers)).status).toBe(403);
  });
});

describe('GET /agents/overview', () => {
  it('shows presence, capacity and active conversations per agent', async () => {
    const ana = await makeUser(s.db.db, { name: 'Ana Overview', presence: 'busy', capacity: 5, capacityUsed: 2 });
    const q = await makeQueue(s.db.db, [ana.id]);
    await makeConversation(s.db.db, accountId, { state: 'active', agentId: ana.id });
    await makeConversation(s.db.db, accountId, { state: 'active', agentId: ana.id });
    await makeConversation(s.db.db, accountId, { state: 'wrap_up', agentId: ana.id });
    await makeConversation(s.db.db, accountId, { state: 'closed', agentId: ana.id });
    const offered = await makeConversation(s.db.db, accountId, { state: 'open', offeredAgentId: ana.id });
    await s.db.db.insert(offers).values({ id: crypto.randomUUID(), conversationId: offered.id, userId: ana.id });
    const r = await get('/agents/overview', s.adminHeaders);
    expect(r.status).toBe(200);
    const row = r.body.items.find((x: { id: string }) => x.id === ana.id);
    expect(row).toMatchObject({
      name: 'Ana Overview',
      presence: 'busy',
      capacity: { total: 5, used: 2 },
      activeConversations: 2,
      wrapUpConversations: 1,
      pendingOffers: 1,
      queueIds: [q],
    });
    expect(r.body.items.some((x: { role: string }) => x.role === 'admin')).toBe(false);
  });

  it('is for supervisors and admins only', async () => {
    const agent = await makeUser(s.db.db);
    expect((await get('/agents/overview', agent.headers)).status).toBe(403);
    expect((await get('/agents/overview', sue.headers)).status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../../support/stack.js';
import {
  addMessage,
  makeAccount,
  makeConversation,
  makeQueue,
  makeUser,
  makeWorkstream,
  optOut,
  type TestUser,
} from './fixtures.js';

// allowedActions on every conversation answer, and the transfer targets the workspace offers (read-only routes, so
// no workflow is needed).

let s: TestStack;
let accountId: string;
let ana: TestUser;
let ben: TestUser;
let busy: TestUser;
let full: TestUser;
let sue: TestUser;
let queueId: string;
let workstreamId: string;

beforeAll(async () => {
  s = await createTestStack({ worker: false });
  accountId = await makeAccount(s.db.db);
  ana = await makeUser(s.db.db, { name: 'Ana', presence: 'available' });
  ben = await makeUser(s.db.db, { name: 'Ben', presence: 'available' });
  busy = await makeUser(s.db.db, { name: 'Dnd', presence: 'busy_dnd' });
  full = await makeUser(s.db.db, { name: 'Full', presence: 'available', capacity: 1, capacityUsed: 1 });
  sue = await makeUser(s.db.db, { role: 'supervisor', name: 'Sue' });
  queueId = await makeQueue(s.db.db, [ana.id, ben.id, busy.id, full.id]);
  workstreamId = await makeWorkstream(s.db.db, queueId);
});
afterAll(async () => {
  await s?.close();
});

const get = (path: string, user: TestUser | null) => s.app.request(`/api/v1${path}`, { headers: user?.headers ?? {} });

async function json(res: Response, status = 200) {
  expect(res.status).toBe(status);
  return (await res.json()) as Record<string, unknown>;
}

describe('allowedActions', () => {
  it('the owner of an active conversation: reply, wait, end, transfer, note; a supervisor: transfer, note, assign, force close', async () => {
    const conv = await makeConversation(s.db.db, accountId, {
      state: 'active',
      agentId: ana.id,
      queueId,
      workstreamId,
    });
    expect((await json(await get(`/conversations/${conv.id}`, ana))).allowedActions).toEqual([
      'send',
      'wait',
      'end',
      'transfer',
      'note',
    ]);
    expect((await json(await get(`/conversations/${conv.id}`, sue))).allowedActions).toEqual([
      'transfer',
      'note',
      'assign',
      'force-close',
    ]);
  });

  it('a waiting conversation may be ended or closed by its owner; an opted-out customer cannot be replied to', async () => {
    const conv = await makeConversation(s.db.db, accountId, {
      state: 'waiting',
      agentId: ana.id,
      queueId,
      workstreamId,
    });
    await optOut(s.db.db, conv.supportNumber, conv.customerNumber);
    expect((await json(await get(`/conversations/${conv.id}`, ana))).allowedActions).toEqual([
      'end',
      'close',
      'transfer',
      'note',
    ]);
  });

  it('lists carry allowedActions, the customer’s last text as preview and the count of customer texts', async () => {
    const conv = await makeConversation(s.db.db, accountId, {
      state: 'open',
      offeredAgentId: ben.id,
      queueId,
      workstreamId,
    });
    await addMessage(s.db.db, conv.id, { text: 'I need help', createdAt: new Date(Date.now() - 2000) });
    await addMessage(s.db.db, conv.id, {
      direction: 'automated',
      text: 'Thanks for your message',
      status: 'sent',
      createdAt: new Date(Date.now() - 1000),
    });
    const page = await json(await get('/me/conversations', ben));
    const item = (page.items as Record<string, unknown>[]).find((i) => i.id === conv.id)!;
    expect(item.allowedActions).toEqual(['accept', 'reject', 'note']);
    expect((item.lastMessage as { text: string }).text).toBe('Thanks for your message');
    expect((item.lastCustomerMessage as { text: string }).text).toBe('I need help');
    expect(item.customerMessageCount).toBe(1);
    expect(item.messageCount).toBe(2);
  });

  it('messages name the agent who wrote them', async () => {
    const conv = await makeConversation(s.db.db, accountId, {
      state: 'active',
      agentId: ana.id,
      queueId,
      workstreamId,
    });
    await addMessage(s.db.db, conv.id, { direction: 'outbound', text: 'Hi', status: 'sent', agentId: ana.id });
    const view = await json(await get(`/conversations/${conv.id}`, ana));
    expect((view.messages as { agentName: string }[])[0]!.agentName).toBe('Ana');
  });
});

describe('GET /conversations/{id}/transfer-targets', () => {
  it('an agent sees the other queues and the other members of the queue, with why some cannot take it now', async () => {
    const other = await makeQueue(s.db.db, []);
    const conv = await makeConversation(s.db.db, accountId, {
      state: 'active',
      agentId: ana.id,
      queueId,
      workstreamId,
    });
    const body = await json(await get(`/conversations/${conv.id}/transfer-targets`, ana));
    const queues = body.queues as { id: string }[];
    expect(queues.map((q) => q.id)).toContain(other);
    expect(queues.map((q) => q.id)).not.toContain(queueId);
    const agents = body.agents as { id: string; eligible: boolean; reason: string | null }[];
    expect(agents.map((a) => a.id)).not.toContain(ana.id);
    expect(agents.find((a) => a.id === ben.id)).toMatchObject({ eligible: true, reason: null });
    expect(agents.find((a) => a.id === busy.id)).toMatchObject({ eligible: false, reason: 'presence_not_allowed' });
    expect(agents.find((a) => a.id === full.id)).toMatchObject({ eligible: false, reason: 'no_capacity' });
  });

  it('supervisors see every agent as eligible (they hand over directly)', async () => {
    const conv = await makeConversation(s.db.db, accountId, {
      state: 'active',
      agentId: ana.id,
      queueId,
      workstreamId,
    });
    const body = await json(await get(`/conversations/${conv.id}/transfer-targets`, sue));
    const agents = body.agents as { id: string; eligible: boolean }[];
    expect(agents.find((a) => a.id === busy.id)).toMatchObject({ eligible: true });
  });

  it('404 for a conversation the agent may not see, 422 for a bad id, 401 without credentials', async () => {
    const conv = await makeConversation(s.db.db, accountId, {
      state: 'active',
      agentId: ana.id,
      queueId,
      workstreamId,
    });
    await json(await get(`/conversations/${conv.id}/transfer-targets`, ben), 404);
    const bad = await json(await get('/conversations/not-a-uuid/transfer-targets', ana), 422);
    expect(JSON.stringify(bad.errors)).toContain('id');
    await json(await get(`/conversations/${conv.id}/transfer-targets`, null), 401);
  });
});

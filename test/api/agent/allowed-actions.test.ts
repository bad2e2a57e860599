import { beforeAll, describe, expect, it } from 'vitest';
import { readModelHarness } from '../read-model-harness.js';
import { addMessage, makeConversation, makeQueue, makeWorkstream, optOut, type TestUser } from './fixtures.js';

// allowedActions on every conversation answer, and the transfer targets the workspace offers (read-only routes, so
// no workflow is needed).

const h = readModelHarness({
  ana: { name: 'Ana', presence: 'available' },
  ben: { name: 'Ben', presence: 'available' },
  busy: { name: 'Dnd', presence: 'busy_dnd' },
  full: { name: 'Full', presence: 'available', capacity: 1, capacityUsed: 1 },
  sue: { role: 'supervisor', name: 'Sue' },
});
const { ana, ben, busy, full, sue } = h.users;
let queueId: string;
let workstreamId: string;

beforeAll(async () => {
  queueId = await makeQueue(h.s.db.db, [ana.id, ben.id, busy.id, full.id]);
  workstreamId = await makeWorkstream(h.s.db.db, queueId);
});

const get = (path: string, user: TestUser | null) =>
  h.s.app.request(`/api/v1${path}`, { headers: user?.headers ?? {} });

async function json(res: Response, status = 200) {
  expect(res.status).toBe(status);
  return (await res.json()) as Record<string, unknown>;
}

/** A conversation in this file's queue and workstream; Ana owns it unless `people` says who holds it. */
const conversation = (
  state: 'open' | 'active' | 'waiting',
  people: { agentId?: string; offeredAgentId?: string } = { agentId: ana.id },
) => makeConversation(h.s.db.db, h.accountId, { state, queueId, workstreamId, ...people });

/** Each viewer's allowedActions on one conversation, checked row by row. */
async function expectAllowedActions(conversationId: string, table: [string, TestUser, string[]][]) {
  for (const [who, user, actions] of table) {
    expect((await json(await get(`/conversations/${conversationId}`, user))).allowedActions, who).toEqual(actions);
  }
}

describe('allowedActions', () => {
  it('the owner of an active conversation: reply, wait, end, transfer, note; a supervisor: transfer, note, assign, force close', async () => {
    const conv = await conversation('active');
    await expectAllowedActions(conv.id, [
      ['the owner', ana, ['send', 'wait', 'end', 'transfer', 'note']],
      ['a supervisor', sue, ['transfer', 'note', 'assign', 'force-close']],
    ]);
  });

  it('a waiting conversation may be ended or closed by its owner; an opted-out customer cannot be replied to', async () => {
    const conv = await conversation('waiting');
    await optOut(h.s.db.db, conv.supportNumber, conv.customerNumber);
    await expectAllowedActions(conv.id, [['the owner', ana, ['end', 'close', 'transfer', 'note']]]);
  });

  it('lists carry allowedActions, the customer’s last text as preview and the count of customer texts', async () => {
    const conv = await conversation('open', { offeredAgentId: ben.id });
    await addMessage(h.s.db.db, conv.id, { text: 'I need help', createdAt: new Date(Date.now() - 2000) });
    await addMessage(h.s.db.db, conv.id, {
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
    const conv = await conversation('active');
    await addMessage(h.s.db.db, conv.id, { direction: 'outbound', text: 'Hi', status: 'sent', agentId: ana.id });
    const view = await json(await get(`/conversations/${conv.id}`, ana));
    expect((view.messages as { agentName: string }[])[0]!.agentName).toBe('Ana');
  });
});

describe('GET /conversations/{id}/transfer-targets', () => {
  it('an agent sees the other queues and the other members of the queue, with why some cannot take it now', async () => {
    const other = await makeQueue(h.s.db.db, []);
    const conv = await conversation('active');
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
    const conv = await conversation('active');
    const body = await json(await get(`/conversations/${conv.id}/transfer-targets`, sue));
    const agents = body.agents as { id: string; eligible: boolean }[];
    expect(agents.find((a) => a.id === busy.id)).toMatchObject({ eligible: true });
  });

  it('404 for a conversation the agent may not see, 422 for a bad id, 401 without credentials', async () => {
    const conv = await conversation('active');
    await json(await get(`/conversations/${conv.id}/transfer-targets`, ben), 404);
    const bad = await json(await get('/conversations/not-a-uuid/transfer-targets', ana), 422);
    expect(JSON.stringify(bad.errors)).toContain('id');
    await json(await get(`/conversations/${conv.id}/transfer-targets`, null), 401);
  });
});

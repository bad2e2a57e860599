import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations } from '../../../db/schema/index.js';
import { FailureTypes } from '../../../workflows/definitions.js';
import { createTestStack, type TestStack } from '../../support/stack.js';
import {
  makeAccount,
  makeConversation,
  makeQueue,
  makeUser,
  makeWorkstream,
  optOut,
  type TestUser,
} from './fixtures.js';
import { startStubWorker } from './stub-worker.js';
import { callsQuery, type StubInput } from './stub-workflow.js';

let s: TestStack;
let stub: Awaited<ReturnType<typeof startStubWorker>>;
let accountId: string;
let agent: TestUser;
let other: TestUser;
let supervisor: TestUser;
let queueId: string;

beforeAll(async () => {
  s = await createTestStack({ worker: false });
  stub = await startStubWorker(s);
  accountId = await makeAccount(s.db.db);
  agent = await makeUser(s.db.db, { role: 'agent', name: 'Ana' });
  other = await makeUser(s.db.db, { role: 'agent', name: 'Ben' });
  supervisor = await makeUser(s.db.db, { role: 'supervisor', name: 'Sue' });
  queueId = await makeQueue(s.db.db, [agent.id]);
});
afterAll(async () => {
  await stub?.stop();
  await s?.close();
});

/** A read-model row backed by a running stub workflow. */
async function conversation(
  row: Partial<typeof conversations.$inferInsert> = {},
  failures: StubInput['failures'] = {},
) {
  const conv = await makeConversation(s.db.db, accountId, { state: 'active', agentId: agent.id, queueId, ...row });
  const ids = await stub.start(conv.workflowId, { conversationId: conv.id, failures });
  await s.db.db.update(conversations).set({ runId: ids.runId }).where(eq(conversations.id, conv.id));
  return { ...conv, runId: ids.runId };
}

const post = (path: string, user: TestUser | null, body?: unknown) =>
  s.app.request(`/api/v1/conversations/${path}`, {
    method: 'POST',
    headers: { ...(user?.headers ?? {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const calls = (workflowId: string) => s.temporal.workflow.getHandle(workflowId).query(callsQuery);

async function problem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  return (await res.json()) as { detail: string; errors?: { path: string; message: string }[]; state?: string };
}

describe('POST /conversations/{id}/messages', () => {
  it('answers 202 with the queued outbound Message from the read model', async () => {
    const conv = await conversation();
    const res = await post(`${conv.id}/messages`, agent, { text: 'Your order ships today.' });
    expect(res.status).toBe(202);
    const msg = await res.json();
    expect(msg).toMatchObject({
      conversationId: conv.id,
      direction: 'outbound',
      status: 'queued',
      text: 'Your order ships today.',
      agentId: agent.id,
    });
    expect(await calls(conv.workflowId)).toEqual([
      { name: 'send', actor: { userId: agent.id, role: 'agent' }, arg: { text: 'Your order ships today.' } },
    ]);
  });

  it('rejects empty, blank, missing and over-1,600-character text with 422 naming the field', async () => {
    const conv = await conversation();
    for (const body of [{ text: '' }, { text: '   \n' }, {}, { text: 'x'.repeat(1601) }]) {
      const p = await problem(await post(`${conv.id}/messages`, agent, body), 422);
      expect(p.errors?.[0]?.path).toBe('text');
      expect(p.detail).toMatch(/^text: /);
    }
    const tooLong = await problem(await post(`${conv.id}/messages`, agent, { text: 'é'.repeat(1601) }), 422);
    expect(tooLong.detail).toContain('at most 1600 characters');
    expect(await calls(conv.workflowId)).toEqual([]);
  });

  it('accepts exactly 1,600 characters', async () => {
    const conv = await conversation();
    const res = await post(`${conv.id}/messages`, agent, { text: '😀'.repeat(1600) });
    expect(res.status).toBe(202);
  });

  it('answers 409 opted_out for an opted-out customer without calling the workflow', async () => {
    const conv = await conversation();
    await optOut(s.db.db, conv.supportNumber, conv.customerNumber);
    const p = await problem(await post(`${conv.id}/messages`, agent, { text: 'hi' }), 409);
    expect(p.detail).toBe('opted_out');
    expect(p.errors?.[0]?.path).toBe('customer.optedOut');
    expect(await calls(conv.workflowId)).toEqual([]);
  });

  it('answers 409 opted_out when the workflow refuses because the customer opted out', async () => {
    const conv = await conversation({}, { send: { type: FailureTypes.OptedOut, message: 'customer opted out' } });
    const p = await problem(await post(`${conv.id}/messages`, agent, { text: 'hi' }), 409);
    expect(p.detail).toBe('opted_out');
  });

  it('answers 404 to an agent who may not see the conversation, 403 to a supervisor (not the assigned agent)', async () => {
    const conv = await conversation();
    await problem(await post(`${conv.id}/messages`, other, { text: 'hi' }), 404);
    await problem(await post(`${conv.id}/messages`, supervisor, { text: 'hi' }), 403);
    expect(await calls(conv.workflowId)).toEqual([]);
  });

  it('answers 409 naming the state for a closed conversation', async () => {
    const conv = await conversation({ state: 'closed', closedAt: new Date() });
    const p = await problem(await post(`${conv.id}/messages`, agent, { text: 'hi' }), 409);
    expect(p.detail).toContain('closed');
    expect(p.state).toBe('closed');
    expect(p.errors?.[0]?.path).toBe('state');
  });

  it('answers 404 for an unknown conversation and 401 without a token', async () => {
    const p = await problem(await post(`${crypto.randomUUID()}/messages`, agent, { text: 'hi' }), 404);
    expect(p.errors?.[0]?.path).toBe('id');
    await problem(await post(`${crypto.randomUUID()}/messages`, null, { text: 'hi' }), 401);
  });

  it('answers 403 when the workflow says the caller is not the owner (read model lagging)', async () => {
    const conv = await conversation({}, { send: { type: FailureTypes.NotYours, message: 'not your conversation' } });
    await problem(await post(`${conv.id}/messages`, agent, { text: 'hi' }), 403);
  });

  it('answers 409 closed when the workflow run behind the conversation no longer exists', async () => {
    const conv = await makeConversation(s.db.db, accountId, { state: 'active', agentId: agent.id });
    const p = await problem(await post(`${conv.id}/messages`, agent, { text: 'hi' }), 409);
    expect(p.state).toBe('closed');
  });
});

describe('workflow refusals become problems', () => {
  it('InvalidTransition → 409 naming the workflow’s state', async () => {
    const conv = await conversation(
      {},
      { end: { type: FailureTypes.InvalidTransition, message: 'cannot end', details: [{ state: 'waiting' }] } },
    );
    const p = await problem(await post(`${conv.id}/end`, agent), 409);
    expect(p.detail).toContain('waiting');
    expect(p.state).toBe('waiting');
  });

  it('Invalid → 422 with the detail the workflow gave', async () => {
    const conv = await conversation(
      {},
      { note: { type: FailureTypes.Invalid, message: 'bad', details: [{ field: 'text', detail: 'text: too long' }] } },
    );
    const p = await problem(await post(`${conv.id}/notes`, agent, { text: 'n' }), 422);
    expect(p.detail).toBe('text: too long');
    expect(p.errors?.[0]?.path).toBe('text');
  });

  it('NotFound on transfer → 404', async () => {
    const conv = await conversation({}, { transfer: { type: FailureTypes.NotFound, message: 'no such queue' } });
    await problem(await post(`${conv.id}/transfer`, agent, { queueId: crypto.randomUUID() }), 404);
  });
});

describe('other actions', () => {
  it('accept is for the offered agent only and answers the updated Conversation', async () => {
    const conv = await conversation({ state: 'open', agentId: null, offeredAgentId: agent.id });
    await problem(await post(`${conv.id}/accept`, other), 404);
    const res = await post(`${conv.id}/accept`, agent);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ id: conv.id, workflow: { workflowId: conv.workflowId }, messages: [] });
    expect(await calls(conv.workflowId)).toEqual([{ name: 'accept', actor: { userId: agent.id, role: 'agent' } }]);
  });

  it('reject, wait, end and close reach the workflow with the caller as actor', async () => {
    const offered = await conversation({ state: 'open', agentId: null, offeredAgentId: agent.id });
    expect((await post(`${offered.id}/reject`, agent)).status).toBe(200);
    const conv = await conversation();
    for (const action of ['wait', 'end', 'close']) expect((await post(`${conv.id}/${action}`, agent)).status).toBe(200);
    expect((await calls(conv.workflowId)).map((c) => c.name)).toEqual(['wait', 'end', 'close']);
  });

  it('wait/end/close/transfer by an agent who may not see the conversation → 404, like an unknown id', async () => {
    const conv = await conversation();
    const unknown = await problem(await post(`${crypto.randomUUID()}/end`, other), 404);
    for (const action of ['wait', 'end', 'close']) {
      const p = await problem(await post(`${conv.id}/${action}`, other), 404);
      expect(Object.keys(p).sort()).toEqual(Object.keys(unknown).sort());
      expect(p).not.toHaveProperty('state');
    }
    await problem(await post(`${conv.id}/transfer`, other, { queueId }), 404);
    expect(await calls(conv.workflowId)).toEqual([]);
  });

  it('a non-owner agent learns nothing about state: a closed or taken conversation is 404, not 409', async () => {
    const closed = await conversation({ state: 'closed', closedAt: new Date() });
    const p = await problem(await post(`${closed.id}/end`, other), 404);
    expect(JSON.stringify(p)).not.toContain('closed');
    await problem(await post(`${closed.id}/messages`, other, { text: 'hi' }), 404);
    // The owner does see the state.
    expect((await problem(await post(`${closed.id}/end`, agent), 409)).state).toBe('closed');
  });

  it('the offered agent sees the conversation but may not act as its owner (403)', async () => {
    const offered = await conversation({ state: 'open', agentId: null, offeredAgentId: other.id });
    await problem(await post(`${offered.id}/end`, other), 403);
  });

  it('transfer needs exactly one of queueId or agentId (422) and passes the target on', async () => {
    const colleague = await makeUser(s.db.db, { role: 'agent', presence: 'available' });
    const shared = await makeQueue(s.db.db, [agent.id, colleague.id]);
    const conv = await conversation({ queueId: shared });
    await problem(await post(`${conv.id}/transfer`, agent, {}), 422);
    await problem(await post(`${conv.id}/transfer`, agent, { queueId, agentId: colleague.id }), 422);
    expect((await post(`${conv.id}/transfer`, agent, { agentId: colleague.id })).status).toBe(200);
    expect(await calls(conv.workflowId)).toEqual([
      { name: 'transfer', actor: { userId: agent.id, role: 'agent' }, arg: { agentId: colleague.id } },
    ]);
  });

  it('an agent may transfer only to a queue member in an allowed presence with free capacity', async () => {
    const available = await makeUser(s.db.db, { presence: 'available' });
    const offline = await makeUser(s.db.db, { presence: 'offline' });
    const away = await makeUser(s.db.db, { presence: 'away' });
    const full = await makeUser(s.db.db, { presence: 'available', capacity: 2, capacityUsed: 2 });
    const outsider = await makeUser(s.db.db, { presence: 'available' });
    const shared = await makeQueue(s.db.db, [agent.id, available.id, offline.id, away.id, full.id]);
    const stream = await makeWorkstream(s.db.db, shared, 'push');
    const conv = await conversation({ queueId: shared, workstreamId: stream });
    const refused = async (agentId: string, status: number, reason: string) => {
      const p = await problem(await post(`${conv.id}/transfer`, agent, { agentId }), status);
      expect(p).toMatchObject({ reason, errors: [{ path: 'agentId', message: expect.any(String) }] });
      return p;
    };
    await refused(outsider.id, 422, 'not_queue_member');
    expect((await refused(offline.id, 409, 'presence_not_allowed')).detail).toContain('offline');
    await refused(away.id, 409, 'presence_not_allowed');
    await refused(full.id, 409, 'no_capacity');
    await refused(agent.id, 422, 'self');
    await refused(crypto.randomUUID(), 422, 'unknown_agent');
    expect(await calls(conv.workflowId)).toEqual([]);
    expect((await post(`${conv.id}/transfer`, agent, { agentId: available.id })).status).toBe(200);
  });

  it('a supervisor may transfer to any agent (offline, outside the queue): assigned directly, as assign', async () => {
    const outsider = await makeUser(s.db.db, { presence: 'offline' });
    const conv = await conversation();
    expect((await post(`${conv.id}/transfer`, supervisor, { agentId: outsider.id })).status).toBe(200);
    expect(await calls(conv.workflowId)).toEqual([
      { name: 'transfer', actor: { userId: supervisor.id, role: 'supervisor' }, arg: { agentId: outsider.id } },
    ]);
  });

  it('assign and force-close are for supervisors and admins (403 for agents)', async () => {
    const conv = await conversation({ state: 'open', agentId: null });
    await problem(await post(`${conv.id}/assign`, agent, { agentId: agent.id }), 403);
    await problem(await post(`${conv.id}/force-close`, agent), 403);
    expect((await post(`${conv.id}/assign`, supervisor, { agentId: agent.id })).status).toBe(200);
    expect((await post(`${conv.id}/force-close`, adminUser())).status).toBe(200);
    expect(await calls(conv.workflowId)).toEqual([
      { name: 'assign', actor: { userId: supervisor.id, role: 'supervisor' }, arg: { agentId: agent.id } },
      { name: 'forceClose', actor: { userId: expect.any(String), role: 'admin' } },
    ]);
  });

  it('assign validates agentId (422)', async () => {
    const conv = await conversation({ state: 'open', agentId: null });
    const p = await problem(await post(`${conv.id}/assign`, supervisor, { agentId: 'nope' }), 422);
    expect(p.errors?.[0]?.path).toBe('agentId');
  });

  it('notes are stored as internal messages and answered with the Conversation', async () => {
    const conv = await conversation();
    const res = await post(`${conv.id}/notes`, agent, { text: 'customer is a VIP' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.messages).toEqual([
      expect.objectContaining({ direction: 'note', text: 'customer is a VIP', agentId: agent.id }),
    ]);
    await problem(await post(`${conv.id}/notes`, agent, { text: '' }), 422);
    await problem(await post(`${conv.id}/notes`, other, { text: 'x' }), 404);
  });

  it('pick: only from the pick backlog of the agent’s queues; anything else, taken ones too, is 404', async () => {
    const pickQueue = await makeQueue(s.db.db, [agent.id]);
    const pickStream = await makeWorkstream(s.db.db, pickQueue, 'pick');
    const pushStream = await makeWorkstream(s.db.db, pickQueue, 'push');
    const open = await conversation({ state: 'open', agentId: null, queueId: pickQueue, workstreamId: pickStream });
    await problem(await post(`${open.id}/pick`, other), 404);
    const push = await conversation({ state: 'open', agentId: null, queueId: pickQueue, workstreamId: pushStream });
    await problem(await post(`${push.id}/pick`, agent), 404);
    const taken = await conversation({
      state: 'active',
      agentId: other.id,
      queueId: pickQueue,
      workstreamId: pickStream,
    });
    const p = await problem(await post(`${taken.id}/pick`, agent), 404);
    expect(p.detail).not.toContain('active');
    expect((await post(`${open.id}/pick`, agent)).status).toBe(200);
    expect(await calls(open.workflowId)).toEqual([{ name: 'pick', actor: { userId: agent.id, role: 'agent' } }]);
  });
});

function adminUser(): TestUser {
  return { id: '', token: '', headers: s.adminHeaders };
}

import { describe, expect, it } from 'vitest';
import { readModelHarness } from '../read-model-harness.js';
import { addMessage, makeConversation, makeQueue, makeWorkstream, optOut, type TestUser } from './fixtures.js';

const h = readModelHarness({
  ana: { name: 'Ana' },
  ben: { name: 'Ben' },
  sue: { name: 'Sue', role: 'supervisor' },
});
const { ana, ben, sue } = h.users;

const get = async (path: string, user: TestUser | { headers: Record<string, string> }) => {
  const res = await h.s.app.request(`/api/v1${path}`, { headers: user.headers });
  return { status: res.status, body: await res.json() };
};
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/** Follows nextCursor until the end, collecting ids. */
async function allPages(path: string, user: TestUser, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, user);
    expect(r.status).toBe(200);
    ids.push(...r.body.items.map((c: { id: string }) => c.id));
    cursor = r.body.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('pagination did not end');
}

describe('GET /me/conversations', () => {
  it('lists conversations offered to or owned by the caller, newest activity first, without closed ones', async () => {
    const q = await makeQueue(h.s.db.db, [ana.id]);
    const owned = await makeConversation(h.s.db.db, h.accountId, {
      state: 'active',
      agentId: ana.id,
      queueId: q,
      updatedAt: minutesAgo(10),
    });
    const offered = await makeConversation(h.s.db.db, h.accountId, {
      state: 'open',
      offeredAgentId: ana.id,
      queueId: q,
      updatedAt: minutesAgo(1),
    });
    const waitingOne = await makeConversation(h.s.db.db, h.accountId, {
      state: 'waiting',
      agentId: ana.id,
      updatedAt: minutesAgo(5),
    });
    await makeConversation(h.s.db.db, h.accountId, { state: 'closed', agentId: ana.id, updatedAt: minutesAgo(0) });
    await makeConversation(h.s.db.db, h.accountId, { state: 'active', agentId: ben.id, updatedAt: minutesAgo(0) });
    await addMessage(h.s.db.db, owned.id, { text: 'first' });
    await addMessage(h.s.db.db, owned.id, { text: 'second', createdAt: new Date(Date.now() + 1000) });

    const r = await get('/me/conversations', ana);
    expect(r.status).toBe(200);
    expect(r.body.items.map((c: { id: string }) => c.id)).toEqual([offered.id, waitingOne.id, owned.id]);
    const ownedItem = r.body.items[2];
    expect(ownedItem).toMatchObject({
      messageCount: 2,
      lastMessage: { text: 'second' },
      customer: { optedOut: false },
    });
    expect(ownedItem.messages).toBeUndefined();

    const closed = await get('/me/conversations?state=closed', ana);
    expect(closed.body.items).toHaveLength(1);
  });
});

describe('GET /conversations', () => {
  it('supervisors filter by state, queueId and agentId', async () => {
    const q = await makeQueue(h.s.db.db);
    const a = await makeConversation(h.s.db.db, h.accountId, { state: 'active', agentId: ben.id, queueId: q });
    const b = await makeConversation(h.s.db.db, h.accountId, { state: 'waiting', agentId: ben.id, queueId: q });
    const c = await makeConversation(h.s.db.db, h.accountId, { state: 'active', agentId: ana.id, queueId: q });
    const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((x) => x.id).sort();
    expect(ids(await get(`/conversations?queueId=${q}`, sue))).toEqual([a.id, b.id, c.id].sort());
    expect(ids(await get(`/conversations?queueId=${q}&state=active`, sue))).toEqual([a.id, c.id].sort());
    expect(ids(await get(`/conversations?queueId=${q}&agentId=${ben.id}`, sue))).toEqual([a.id, b.id].sort());
    expect(ids(await get(`/conversations?queueId=${q}&agentId=${ben.id}&state=waiting`, sue))).toEqual([b.id]);
    // Several states at once (the supervisor's ongoing view).
    expect(ids(await get(`/conversations?queueId=${q}&state=waiting,active`, sue))).toEqual([a.id, b.id, c.id].sort());
  });

  it('agents see only their own conversations, and may not ask for another agent’s', async () => {
    const q = await makeQueue(h.s.db.db);
    const mine = await makeConversation(h.s.db.db, h.accountId, { state: 'active', agentId: ana.id, queueId: q });
    await makeConversation(h.s.db.db, h.accountId, { state: 'active', agentId: ben.id, queueId: q });
    const r = await get(`/conversations?queueId=${q}`, ana);
    expect(r.body.items.map((x: { id: string }) => x.id)).toEqual([mine.id]);
    const forbidden = await get(`/conversations?agentId=${ben.id}`, ana);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.errors[0].path).toBe('agentId');
  });

  it('rejects bad filters with 422 naming the field', async () => {
    expect((await get('/conversations?state=sleeping', sue)).body.errors[0].path).toBe('state');
    expect((await get('/conversations?state=open,', sue)).body.errors[0].path).toBe('state');
    expect((await get('/conversations?queueId=x', sue)).body.errors[0].path).toBe('queueId');
    const bad = await get('/conversations?cursor=garbage', sue);
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('cursor');
  });

  it('rejects a well-formed cursor naming an impossible date or a malformed id with 422, never 500', async () => {
    const forge = (key: string, id: string) => Buffer.from(JSON.stringify(['activity', key, id])).toString('base64url');
    const id = crypto.randomUUID();
    for (const cursor of [
      forge('2026-02-30T00:00:00.000000Z', id),
      forge('2026-02-28T10:00:00.000000Z', '------------------------------------'),
    ]) {
      const r = await get(`/conversations?cursor=${cursor}`, sue);
      expect(r.status).toBe(422);
      expect(r.body.errors[0].path).toBe('cursor');
    }
  });

  it('cursor pages cover every row exactly once in a stable order, even with equal timestamps', async () => {
    const q = await makeQueue(h.s.db.db);
    const same = minutesAgo(3);
    const rows = [];
    for (let i = 0; i < 7; i++) {
      rows.push(
        await makeConversation(h.s.db.db, h.accountId, {
          state: 'active',
          queueId: q,
          updatedAt: i < 5 ? same : minutesAgo(i),
        }),
      );
    }
    const paged = await allPages(`/conversations?queueId=${q}`, sue, 2);
    const whole = (await get(`/conversations?queueId=${q}&limit=100`, sue)).body.items.map((x: { id: string }) => x.id);
    expect(paged).toEqual(whole);
    expect(new Set(paged).size).toBe(7);
    expect(paged.slice(0, 5).sort()).toEqual(
      rows
        .slice(0, 5)
        .map((r) => r.id)
        .sort(),
    );
    // Equal timestamps fall back to id order (descending), so the order never depends on the plan.
    expect(paged.slice(0, 5)).toEqual([...paged.slice(0, 5)].sort().reverse());
  });

  it('a row updated between pages is not returned twice from the old position', async () => {
    const q = await makeQueue(h.s.db.db);
    for (let i = 0; i < 4; i++)
      await makeConversation(h.s.db.db, h.accountId, { queueId: q, updatedAt: minutesAgo(10 + i) });
    const first = await get(`/conversations?queueId=${q}&limit=2`, sue);
    const second = await get(`/conversations?queueId=${q}&limit=2&cursor=${first.body.nextCursor}`, sue);
    expect(second.body.items).toHaveLength(2);
    expect(second.body.nextCursor).toBeNull();
    const ids = [...first.body.items, ...second.body.items].map((x: { id: string }) => x.id);
    expect(new Set(ids).size).toBe(4);
  });
});

describe('GET /me/backlog', () => {
  it('lists open, unassigned conversations of pick-mode workstreams in the agent’s queues, longest waiting first', async () => {
    const q = await makeQueue(h.s.db.db, [ana.id]);
    const foreign = await makeQueue(h.s.db.db, [ben.id]);
    const pick = await makeWorkstream(h.s.db.db, q, 'pick');
    const push = await makeWorkstream(h.s.db.db, q, 'push');
    const newer = await makeConversation(h.s.db.db, h.accountId, {
      state: 'open',
      queueId: q,
      workstreamId: pick,
      lastCustomerMessageAt: minutesAgo(2),
    });
    const older = await makeConversation(h.s.db.db, h.accountId, {
      state: 'open',
      queueId: q,
      workstreamId: pick,
      lastCustomerMessageAt: minutesAgo(9),
    });
    await makeConversation(h.s.db.db, h.accountId, {
      state: 'open',
      queueId: q,
      workstreamId: push,
      lastCustomerMessageAt: minutesAgo(20),
    });
    await makeConversation(h.s.db.db, h.accountId, {
      state: 'active',
      agentId: ben.id,
      queueId: q,
      workstreamId: pick,
    });
    await makeConversation(h.s.db.db, h.accountId, { state: 'open', queueId: foreign, workstreamId: pick });
    const r = await get('/me/backlog', ana);
    expect(r.status).toBe(200);
    expect(r.body.items.map((x: { id: string }) => x.id)).toEqual([older.id, newer.id]);
    expect(await allPages('/me/backlog', ana, 1)).toEqual([older.id, newer.id]);
    expect((await get('/me/backlog', ben)).body.items.map((x: { id: string }) => x.id)).not.toContain(older.id);
  });
});

describe('GET /conversations/{id}', () => {
  it('returns the full transcript, consent state, routing trace and a Temporal UI link', async () => {
    const conv = await makeConversation(h.s.db.db, h.accountId, {
      state: 'active',
      agentId: ana.id,
      routingTrace: {
        rules: [],
        matchedRuleId: null,
        queueId: crypto.randomUUID(),
        priority: 0,
        skills: [],
        at: new Date().toISOString(),
      },
    });
    await optOut(h.s.db.db, conv.supportNumber, conv.customerNumber);
    await addMessage(h.s.db.db, conv.id, {
      text: 'hi',
      providerReferenceId: `REF-${conv.id}`,
      createdAt: minutesAgo(3),
    });
    await addMessage(h.s.db.db, conv.id, {
      direction: 'outbound',
      text: 'hello, how can I help?',
      status: 'delivered',
      providerStatusCode: 200,
      segments: 2,
      agentId: ana.id,
      createdAt: minutesAgo(2),
    });
    await addMessage(h.s.db.db, conv.id, {
      direction: 'note',
      text: 'VIP',
      status: 'sent',
      agentId: ana.id,
      createdAt: minutesAgo(1),
    });
    const r = await get(`/conversations/${conv.id}`, ana);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: conv.id,
      customer: { number: conv.customerNumber, optedOut: true },
      routingTrace: { matchedRuleId: null },
      workflow: { workflowId: conv.workflowId, runId: conv.runId },
    });
    expect(r.body.workflow.uiUrl).toBe(
      `http://localhost:8233/namespaces/default/workflows/${encodeURIComponent(conv.workflowId)}/${conv.runId}/history`,
    );
    expect(r.body.messages.map((m: { direction: string }) => m.direction)).toEqual(['inbound', 'outbound', 'note']);
    expect(r.body.messages[1]).toMatchObject({ status: 'delivered', providerStatusCode: 200, segments: 2 });
  });

  it('agents may read only conversations they own, are offered or may pick; any other is 404 like an unknown id', async () => {
    const q = await makeQueue(h.s.db.db, [ana.id]);
    const pick = await makeWorkstream(h.s.db.db, q, 'pick');
    const bens = await makeConversation(h.s.db.db, h.accountId, { state: 'active', agentId: ben.id });
    const offered = await makeConversation(h.s.db.db, h.accountId, { state: 'open', offeredAgentId: ana.id });
    const backlog = await makeConversation(h.s.db.db, h.accountId, { state: 'open', queueId: q, workstreamId: pick });
    expect((await get(`/conversations/${bens.id}`, ana)).status).toBe(404);
    expect((await get(`/conversations/${bens.id}`, sue)).status).toBe(200);
    expect((await get(`/conversations/${offered.id}`, ana)).status).toBe(200);
    expect((await get(`/conversations/${backlog.id}`, ana)).status).toBe(200);
    expect((await get(`/conversations/${backlog.id}`, ben)).status).toBe(404);
    expect((await get(`/conversations/${crypto.randomUUID()}`, ana)).status).toBe(404);
  });
});

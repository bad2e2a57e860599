import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capacityActivities, type LineEvent, type ReserveInput } from '../../activities/capacity.js';
import { conversations, queueMembers, queues, users } from '../../db/schema/index.js';
import { createTestDb, type TestDb } from '../support/db.js';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.drop());

async function queueWithAgents(agents: number, capacity: number) {
  return (await queueWith(Array.from({ length: agents }, () => ({ capacity })))).queueId;
}

/** A queue whose agents have these capacities and skills (all available). */
async function queueWith(agents: { capacity: number; skills?: string[] }[]) {
  const [q] = await db.db
    .insert(queues)
    .values({ name: `q-${randomBytes(4).toString('hex')}` })
    .returning();
  const agentIds: string[] = [];
  for (const [i, a] of agents.entries()) {
    const [u] = await db.db
      .insert(users)
      .values({
        name: `agent ${i}`,
        role: 'agent',
        tokenHash: randomBytes(16).toString('hex'),
        capacity: a.capacity,
        skills: a.skills ?? [],
        presence: 'available',
      })
      .returning();
    await db.db.insert(queueMembers).values({ queueId: q!.id, userId: u!.id });
    agentIds.push(u!.id);
  }
  return { queueId: q!.id, agentIds };
}

let clock = Date.UTC(2026, 0, 1);
/** Waiting conversations in the queue, in rank order (each waiting a second less than the one before). */
async function waiting(queueId: string, n: number, skills: string[] = []) {
  const rows = Array.from({ length: n }, () => {
    const id = randomUUID();
    clock += 1000;
    return {
      id,
      workflowId: `wf-${id}`,
      runId: 'run',
      accountId: randomUUID(),
      queueId,
      skills,
      customerNumber: `1555${randomBytes(3).toString('hex')}`,
      supportNumber: '15550000000',
      lastCustomerMessageAt: new Date(clock),
    };
  });
  if (rows.length) await db.db.insert(conversations).values(rows);
  return rows.map((r) => r.id);
}

/** A db whose `execute` counts the rows it hands to node. */
function countingRows(target: TestDb['db']) {
  const counter = { rows: 0 };
  const counted = new Proxy(target, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver);
      if (prop === 'execute')
        return async (...args: Parameters<typeof t.execute>) => {
          const r = await t.execute(...args);
          counter.rows += r.length;
          return r;
        };
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
  return { counted, counter };
}

const request = (queueId: string, conversationId: string = randomUUID()): ReserveInput => ({
  reservationKey: randomUUID(),
  conversationId,
  queueId,
  units: 1,
  skills: [],
  skillMatching: 'none',
  allowedPresences: ['available'],
  excludeAgentIds: [],
});

describe('capacity reservations', () => {
  it('books every free unit under a burst of concurrent requests, never more', async () => {
    // 30 agents × 2 units, 60 requests at once: with candidates taken by concurrent bookers, a request must look
    // further instead of reporting "nobody free" (the conversation would then wait for the fallback tick).
    const queueId = await queueWithAgents(30, 2);
    const { reserveAgent } = capacityActivities(db.db);
    const results = await Promise.all(Array.from({ length: 60 }, () => reserveAgent(request(queueId))));
    expect(results.filter((r) => r === null)).toHaveLength(0);
    const perAgent = new Map<string, number>();
    for (const r of results) perAgent.set(r!.agentId, (perAgent.get(r!.agentId) ?? 0) + 1);
    expect([...perAgent.values()].every((n) => n === 2)).toBe(true);
    expect(await reserveAgent(request(queueId))).toBeNull();
  });

  it('returns the same agent for a repeated reservation key (an activity retry books once)', async () => {
    const queueId = await queueWithAgents(2, 1);
    const { reserveAgent } = capacityActivities(db.db);
    const req = request(queueId);
    const first = await reserveAgent(req);
    expect(await reserveAgent(req)).toEqual(first);
    expect(await reserveAgent(request(queueId))).not.toBeNull();
    expect(await reserveAgent(request(queueId))).toBeNull();
  });
});

/** Reservations whose wakes (every workflow found) and line decisions are recorded. */
function observed() {
  const woken: [string, string][][] = [];
  const events: LineEvent[] = [];
  const { reserveAgent } = capacityActivities(db.db, {
    signal: async (t) => {
      woken.push(t);
      return [];
    },
    observe: (e) => events.push(e),
  });
  return { reserveAgent, woken, events };
}

describe('reservations keep the line cheaply', () => {
  it('books while the better-ranked waiting conversations leave a slot, and refuses (waking the best) once they fill them', async () => {
    const { queueId } = await queueWith([{ capacity: 2 }, { capacity: 2 }, { capacity: 2 }]);
    const ahead = await waiting(queueId, 5);
    const [me, last] = await waiting(queueId, 2);
    const { reserveAgent, woken, events } = observed();
    // 5 ahead, 6 free slots: one is left whoever sits where.
    expect(await reserveAgent(request(queueId, me!))).not.toBeNull();
    expect(events.filter((e) => e.kind === 'line').map((e) => e.kind === 'line' && e.path)).toEqual(['all-take-all']);
    // The booked one no longer holds the line: 5 ahead on 5 free slots leave none for the last.
    woken.length = 0;
    expect(await reserveAgent(request(queueId, last!))).toBeNull();
    expect(woken[0]).toEqual(ahead.map((id) => [id, `wf-${id}`]));
  });

  it('keeps the only agent with the skill a better-ranked conversation needs for it', async () => {
    const { queueId, agentIds } = await queueWith([{ capacity: 1, skills: ['fr'] }, { capacity: 1 }]);
    await waiting(queueId, 1, ['fr']);
    const [me] = await waiting(queueId, 1);
    const events: LineEvent[] = [];
    const { reserveAgent } = capacityActivities(db.db, { observe: (e) => events.push(e) });
    expect(await reserveAgent(request(queueId, me!))).toEqual({ agentId: agentIds[1] });
    expect(events).toContainEqual({ kind: 'line', path: 'surely-free', candidates: 1 });
  });

  it('falls back to the matching when no agent is surely free, and refuses when it leaves no slot', async () => {
    const { queueId } = await queueWith([
      { capacity: 1, skills: ['fr'] },
      { capacity: 1, skills: ['de'] },
    ]);
    const [de] = await waiting(queueId, 1, ['de']);
    const [fr] = await waiting(queueId, 1, ['fr']);
    const [me] = await waiting(queueId, 1);
    const { reserveAgent, woken, events } = observed();
    expect(await reserveAgent(request(queueId, me!))).toBeNull();
    expect(events).toContainEqual({ kind: 'line', path: 'matching', candidates: 0 });
    expect(woken[0]).toEqual([de, fr].map((id) => [id!, `wf-${id}`]));
  });

  it('a conversation behind 300 waiting ones reads about one row per agent, not one per agent and conversation ahead', async () => {
    const { queueId } = await queueWith(Array.from({ length: 20 }, () => ({ capacity: 20 })));
    await waiting(queueId, 300);
    const [me] = await waiting(queueId, 1);
    const { counted, counter } = countingRows(db.db);
    const { reserveAgent } = capacityActivities(counted);
    expect(await reserveAgent(request(queueId, me!))).not.toBeNull();
    // The matching would read 20 × 300 rows.
    expect(counter.rows).toBeLessThan(100);
  });

  it('a booking wakes no more waiting conversations than free slots are left, and replaces one whose workflow is gone', async () => {
    const { queueId } = await queueWith([{ capacity: 1 }, { capacity: 1 }]);
    const [me] = await waiting(queueId, 1);
    const next = await waiting(queueId, 5);
    const woken: [string, string][][] = [];
    const { reserveAgent } = capacityActivities(db.db, {
      signal: async (t) => {
        woken.push(t);
        return woken.length === 1 ? t.map(([id]) => id) : [];
      },
    });
    expect(await reserveAgent(request(queueId, me!))).not.toBeNull();
    // One slot left: the best waiting one is woken; its workflow is gone, so the next one is.
    expect(woken).toEqual([[[next[0], `wf-${next[0]}`]], [[next[1], `wf-${next[1]}`]]]);
  });

  it('60 waiting conversations reserving at once all book, two per agent, without the matching', async () => {
    const { queueId } = await queueWith(Array.from({ length: 30 }, () => ({ capacity: 2 })));
    const ids = await waiting(queueId, 60);
    const paths = new Set<string>();
    const { reserveAgent } = capacityActivities(db.db, {
      signal: async () => [],
      observe: (e) => e.kind === 'line' && paths.add(e.path),
    });
    const results = await Promise.all(ids.map((id) => reserveAgent(request(queueId, id))));
    expect(results.filter((r) => r === null)).toHaveLength(0);
    const perAgent = new Map<string, number>();
    for (const r of results) perAgent.set(r!.agentId, (perAgent.get(r!.agentId) ?? 0) + 1);
    expect([...perAgent.values()].every((n) => n === 2)).toBe(true);
    expect(paths.has('matching')).toBe(false);
  });
});

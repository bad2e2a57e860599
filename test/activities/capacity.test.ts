import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capacityActivities, type ReserveInput } from '../../activities/capacity.js';
import { queueMembers, queues, users } from '../../db/schema/index.js';
import { createTestDb, type TestDb } from '../support/db.js';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.drop());

async function queueWithAgents(agents: number, capacity: number) {
  const [q] = await db.db
    .insert(queues)
    .values({ name: `q-${randomBytes(4).toString('hex')}` })
    .returning();
  for (let i = 0; i < agents; i++) {
    const [u] = await db.db
      .insert(users)
      .values({
        name: `agent ${i}`,
        role: 'agent',
        tokenHash: randomBytes(16).toString('hex'),
        capacity,
        presence: 'available',
      })
      .returning();
    await db.db.insert(queueMembers).values({ queueId: q!.id, userId: u!.id });
  }
  return q!.id;
}

const request = (queueId: string): ReserveInput => ({
  reservationKey: randomUUID(),
  conversationId: randomUUID(),
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

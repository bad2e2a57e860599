import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.js';
import { customers, type FaultStack, LONG, simulatorLoad, startFaultStack, verdict } from './support.js';

/**
 * TeleSign misbehaving: 30 % of REST calls fail (10 % 500, 10 % 429, 5 % 503, 5 % never answered), every callback
 * is delivered twice and delivery reports arrive final-first. Agents answer every conversation. Inbound: each acked
 * SMS once in one transcript. Outbound: each message ends delivered or failed with its error; sends reaching a
 * phone twice are counted (the simulator never processes a request it lets time out, so there should be none).
 */
let db: TestDb;
let stack: FaultStack;

beforeAll(async () => {
  db = await createTestDb();
  stack = await startFaultStack({
    databaseUrl: db.url,
    simulator: { hangMs: 11_000 },
    seed: {
      agents: Array.from({ length: 5 }, () => ({ capacity: 50, presence: 'available' as const })),
      workstream: { autoAccept: true },
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  await db?.drop();
});

it('30 % TeleSign faults, duplicate and out-of-order callbacks: nothing lost, nothing doubled', {
  timeout: LONG ? 900_000 : 400_000,
}, async () => {
  stack.sim.faults.set({
    errorRate: 0.1,
    rate429: 0.1,
    rate503: 0.05,
    timeoutRate: 0.05,
    duplicateCallbacks: true,
    outOfOrderCallbacks: true,
  });
  const phones = customers(LONG ? 200 : 60, '1780');
  const to = stack.channel.supportNumber;
  await simulatorLoad(stack.sim, to, { customers: phones, perSecond: 30, seconds: LONG ? 20 : 4, label: 'faulty' });
  // Each agent answers each of its conversations once.
  const agents = stack.channel.agents;
  const replies = [];
  const deadline = Date.now() + 60_000;
  for (const agent of agents) {
    for (;;) {
      const res = await fetch(`${stack.api.url}/api/v1/me/conversations`, { headers: agent.headers });
      const body = (await res.json()) as { items?: { id: string; state: string }[] } | { id: string; state: string }[];
      const list = Array.isArray(body) ? body : (body.items ?? []);
      const active = list.filter((c) => c.state === 'active');
      replies.push(
        ...active.map((c) =>
          fetch(`${stack.api.url}/api/v1/conversations/${c.id}/messages`, {
            method: 'POST',
            headers: { ...agent.headers, 'content-type': 'application/json' },
            body: JSON.stringify({ text: `reply from ${agent.name}` }),
          }).then((r) => r.status),
        ),
      );
      if (active.length > 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const statuses = await Promise.all(replies);
  const v = await verdict(stack, 'simulator-faults', {
    timeoutMs: 300_000,
    details: {
      faults: stack.sim.faults.get(),
      agentReplies: statuses.length,
      replyStatuses: statuses.filter((s) => s !== 202),
    },
  });
  stack.sim.faults.reset();
  expect(statuses.length).toBeGreaterThan(0);
  expect(v.lostInbound).toEqual([]);
  expect(v.inboundMoreThanOnce).toBe(0);
  expect(v.outboundNotFinal).toBe(0);
  expect(v.failedWithoutError).toBe(0);
  expect(v.duplicateSends).toBe(0);
});

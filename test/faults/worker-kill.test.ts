import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.js';
import { customers, type FaultStack, LONG, simulatorLoad, startFaultStack, verdict } from './support.js';

/**
 * The worker process is killed with SIGKILL while 200 conversations are live and customers keep texting; a new
 * worker process is started. Nothing acknowledged may be lost or recorded twice; every automated/agent SMS ends
 * delivered or failed-and-visible.
 */
let db: TestDb;
let stack: FaultStack;

beforeAll(async () => {
  db = await createTestDb();
  stack = await startFaultStack({
    databaseUrl: db.url,
    seed: {
      agents: Array.from({ length: 10 }, () => ({ capacity: 30, presence: 'available' as const })),
      workstream: { autoAccept: true },
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  await db?.drop();
});

it('SIGKILL of the worker during 200 live conversations loses nothing', {
  timeout: LONG ? 900_000 : 300_000,
}, async () => {
  const phones = customers(200);
  const to = stack.channel.supportNumber;
  // 200 live conversations.
  await simulatorLoad(stack.sim, to, { customers: phones, perSecond: 50, seconds: 4, label: 'hello' });
  // Keep texting while the worker dies; it is replaced a few seconds later.
  const load = simulatorLoad(stack.sim, to, {
    customers: phones,
    perSecond: 40,
    seconds: LONG ? 30 : 10,
    label: 'during',
  });
  await new Promise((r) => setTimeout(r, 2000));
  const killed = stack.worker!;
  await stack.killWorker();
  expect(await killed.exited).toBe('SIGKILL');
  await new Promise((r) => setTimeout(r, LONG ? 10_000 : 3000));
  await stack.startWorker();
  await load;
  await simulatorLoad(stack.sim, to, { customers: phones, perSecond: 50, seconds: 2, label: 'after' });
  const v = await verdict(stack, 'worker-sigkill', { timeoutMs: 150_000 });
  expect(v.ackedInbound).toBeGreaterThanOrEqual(600);
  expect(v.lostInbound).toEqual([]);
  expect(v.inboundMoreThanOnce).toBe(0);
  expect(v.outboundNotFinal).toBe(0);
  expect(v.failedWithoutError).toBe(0);
  // A send in flight when the worker died has an unknowable outcome (its activity times out and is retried): such
  // duplicates are counted and reported (bench/results/faults-worker-sigkill.json), bounded by the sends in flight.
  expect(v.duplicateSends).toBeLessThanOrEqual(20);
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.js';
import { customers, type FaultStack, signedMo, startFaultStack } from './support.js';

/**
 * Issue #20: the worker process is killed with SIGKILL in the middle of a 1,000-text burst from one customer and
 * started again. Every acknowledged text must be in the transcript exactly once.
 */
let db: TestDb;
let stack: FaultStack;

beforeAll(async () => {
  db = await createTestDb();
  stack = await startFaultStack({ databaseUrl: db.url });
});
afterAll(async () => {
  await stack?.stop();
  await db?.drop();
});

it('SIGKILL of the worker in the middle of a 1,000-text burst: still exactly 1,000', { timeout: 300_000 }, async () => {
  const [customer] = customers(1, '1887');
  const acked: string[] = [];
  let next = 0;
  let killed: Promise<void> | null = null;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < 1000; i = next++) {
        const mo = signedMo(stack.channel, customer!, `kill ${i}`);
        for (;;) {
          const res = await fetch(stack.webhookUrl, { method: 'POST', headers: mo.headers, body: mo.raw });
          await res.arrayBuffer();
          if (res.status === 200) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        acked.push(mo.referenceId);
        if (acked.length === 400 && !killed) {
          killed = (async () => {
            const w = stack.worker!;
            await stack.killWorker();
            expect(await w.exited).toBe('SIGKILL');
            await new Promise((r) => setTimeout(r, 2000));
            await stack.startWorker();
          })();
        }
      }
    }),
  );
  await killed;
  const deadline = Date.now() + 180_000;
  let rows: { ref: string; n: number }[] = [];
  for (;;) {
    rows = (await db.sql`
      select provider_reference_id as ref, count(*)::int as n from messages
      where provider_reference_id = any(${acked}) group by provider_reference_id`) as unknown as typeof rows;
    if (rows.length === acked.length || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(acked.length).toBe(1000);
  if (rows.length !== acked.length) {
    // A stall is rare and only seen under CI's parallel second pass: leave what is needed to find its cause.
    const seen = new Set(rows.map((r) => r.ref));
    const missing = acked.filter((r) => !seen.has(r));
    const inbox = await db.sql`
      select status::text, count(*)::int as n, max(attempts)::int as attempts, max(last_error) as error
      from inbox where reference_id = any(${missing}) group by status`;
    console.log(`[faults] burst-worker-kill: ${missing.length} missing; inbox ${JSON.stringify(inbox)}`);
    console.log(`[faults] worker output:\n${stack.worker?.output().slice(-4000)}`);
  }
  expect(rows.length).toBe(1000);
  expect(rows.filter((r) => r.n !== 1)).toEqual([]);
  const [{ n }] = (await db.sql`
    select count(*)::int as n from messages m join conversations c on c.id = m.conversation_id
    where c.customer_number = ${customer!} and m.direction = 'inbound'`) as unknown as [{ n: number }];
  expect(n).toBe(1000);
});

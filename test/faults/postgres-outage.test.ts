import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runMigrations } from '../../db/migrate.js';
import { type LocalPostgres, startEmbeddedPostgres } from '../../dev/embedded-postgres.js';
import { freePort } from '../../dev/temporal-dev-server.js';
import { customers, type FaultStack, LONG, signedMo, startFaultStack, verdict } from './support.js';

/**
 * Our own embedded PostgreSQL (durable settings, free port) is stopped under load and started again on the same
 * port. While it is down the webhook must answer 503 (TeleSign retries); every callback answered 200 — before, during
 * or after — must end in exactly one transcript once. Callbacks answered 503 are re-posted afterwards, as TeleSign's
 * retry would.
 */
let dir: string;
let port: number;
let pg: LocalPostgres | null = null;
let stack: FaultStack;

const startPg = async () => {
  pg = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port, persistent: true });
  return pg;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smsdesk-faults-pg-'));
  chmodSync(dir, 0o755);
  port = await freePort();
  const { url } = await startPg();
  await runMigrations(url);
  stack = await startFaultStack({
    databaseUrl: url,
    seed: {
      agents: Array.from({ length: 5 }, () => ({ capacity: 50, presence: 'available' as const })),
      workstream: { autoAccept: true },
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('Postgres down: the webhook answers 503 and nothing acknowledged is lost', {
  timeout: LONG ? 900_000 : 300_000,
}, async () => {
  const phones = customers(100, '1778');
  const acked: string[] = [];
  const refused: { customer: string; text: string }[] = [];
  const codes: Record<string, number> = {};
  // Postgres is down between these two instants (after stop() resolved, before start is called).
  let downFrom = Number.POSITIVE_INFINITY;
  let downTo = Number.POSITIVE_INFINITY;
  const answeredWhileDown: Record<string, number> = {};
  const answerMs: number[] = [];
  const post = async (customer: string, text: string) => {
    const mo = signedMo(stack.channel, customer, text);
    const t0 = Date.now();
    const status = await fetch(stack.webhookUrl, { method: 'POST', headers: mo.headers, body: mo.raw })
      .then((r) => r.status)
      .catch(() => 0);
    const t1 = Date.now();
    codes[status] = (codes[status] ?? 0) + 1;
    if (t1 > downFrom && t1 < downTo) {
      answeredWhileDown[status] = (answeredWhileDown[status] ?? 0) + 1;
      answerMs.push(t1 - t0);
    }
    if (status === 200) acked.push(mo.referenceId);
    else refused.push({ customer, text });
  };
  const rate = 50;
  const seconds = LONG ? 80 : 20;
  const downAt = 4_000;
  const downFor = LONG ? 60_000 : 10_000;
  const start = Date.now();
  const pending: Promise<void>[] = [];
  const chaos = (async () => {
    await new Promise((r) => setTimeout(r, downAt));
    await pg!.stop();
    downFrom = Date.now();
    await new Promise((r) => setTimeout(r, downFor));
    downTo = Date.now();
    await startPg();
  })();
  for (let i = 0; i < rate * seconds; i++) {
    const due = start + (i * 1000) / rate;
    if (due > Date.now() + 1) await new Promise((r) => setTimeout(r, due - Date.now()));
    pending.push(post(phones[i % phones.length]!, `pg ${i}`));
  }
  await Promise.all(pending);
  await chaos;
  // TeleSign retries what was not acknowledged: its inbound policy is 3 tries, 10 s and then 30 s apart. The first
  // retry is sent at once here (the outage is over); a callback refused again gets the second one.
  const retriedTwice: string[] = [];
  for (const r of refused.splice(0)) await post(r.customer, r.text);
  if (refused.length) {
    await new Promise((r) => setTimeout(r, 10_000));
    for (const r of refused.splice(0)) {
      retriedTwice.push(r.text);
      await post(r.customer, r.text);
    }
  }
  const v = await verdict(stack, 'postgres-outage', {
    extraAcked: acked,
    timeoutMs: 180_000,
    details: {
      statusCodes: codes,
      answeredWhileDown,
      answerMsWhileDown: { max: Math.max(0, ...answerMs), n: answerMs.length },
      outageMs: downFor,
      retriedTwice,
    },
  });
  // While Postgres is down nothing is acknowledged, and callbacks are refused with 503 (TeleSign retries them).
  expect(answeredWhileDown['503'] ?? 0).toBeGreaterThan(0);
  expect(answeredWhileDown['200'] ?? 0).toBe(0);
  expect(refused).toEqual([]);
  expect(v.lostInbound).toEqual([]);
  expect(v.inboundMoreThanOnce).toBe(0);
  expect(v.outboundNotFinal).toBe(0);
  expect(v.failedWithoutError).toBe(0);
  expect(v.duplicateSends).toBeLessThanOrEqual(5);
});

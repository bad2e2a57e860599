import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { inject } from 'vitest';
import { createDb, type DbHandle } from '../../db/client.js';
import { callbackHeaders } from '../../telesign/signature.js';
import { type Simulator, startSimulator } from '../../telesign/simulator/server.js';
import {
  type ApiProcess,
  processEnv,
  type RunningProcess,
  startApiProcess,
  startWorkerProcess,
} from '../support/processes.js';
import { type SeededChannel, type SeedOptions, seedChannel } from '../support/seed.js';
import { testConfig } from '../support/stack.js';

/**
 * Fault scenarios run the production entry points as processes (API, worker) against a TeleSign simulator that
 * posts signed callbacks. `FAULTS_LONG=1` (npm run faults) selects the long versions (e.g. a 60 s Temporal outage).
 */
export const LONG = process.env.FAULTS_LONG === '1';

export type FaultStack = {
  db: DbHandle;
  sim: Simulator;
  env: Record<string, string>;
  api: ApiProcess;
  worker: RunningProcess | null;
  channel: SeededChannel;
  webhookUrl: string;
  startWorker: () => Promise<RunningProcess>;
  /** SIGKILL the current worker (an intended crash: not restarted by the supervisor). */
  killWorker: () => Promise<void>;
  /** Unexpected worker exits, restarted like an orchestrator would (restart policy). */
  crashes: { exit: number | string; tail: string }[];
  stop: () => Promise<void>;
};

export async function startFaultStack(opts: {
  databaseUrl: string;
  seed?: SeedOptions;
  extraEnv?: Record<string, string>;
  simulator?: Parameters<typeof startSimulator>[0];
}): Promise<FaultStack> {
  const db = createDb(opts.databaseUrl, { max: 4 });
  const sim = await startSimulator({ port: 0, dlrDelaysMs: [20, 60], ...opts.simulator });
  const taskQueue = `faults-${randomBytes(5).toString('hex')}`;
  const env = processEnv({
    databaseUrl: opts.databaseUrl,
    taskQueue,
    extra: { LOG_LEVEL: 'info', TELESIGN_BASE_URL: sim.url, DATABASE_POOL_MAX: '10', ...opts.extraEnv },
  });
  const config = testConfig({ DATABASE_URL: opts.databaseUrl });
  const channel = await seedChannel(db.db, config, sim, { ...opts.seed, callbackUrl: null });
  const [api, worker] = await Promise.all([startApiProcess(env), startWorkerProcess(env)]);
  const webhookUrl = `${api.url}/webhooks/telesign/${channel.accountId}`;
  sim.setCallbackUrl(channel.customerId, webhookUrl);
  const workers: RunningProcess[] = [];
  let stopping = false;
  const intended = new Set<RunningProcess>();
  const crashes: FaultStack['crashes'] = [];
  const supervise = (w: RunningProcess) => {
    workers.push(w);
    void w.exited.then(async (exit) => {
      if (stopping || intended.has(w)) return;
      crashes.push({ exit, tail: w.output().slice(-3000) });
      // The crash's own words in the test output: the report's one-line summary is not enough to find its cause.
      console.log(`[faults] worker exited ${exit}; last output:\n${w.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 1000));
      if (!stopping) stack.worker = supervise(await startWorkerProcess(env));
    });
    return w;
  };
  supervise(worker);
  const stack: FaultStack = {
    db,
    sim,
    env,
    api,
    worker,
    channel,
    webhookUrl,
    crashes,
    async startWorker() {
      const w = supervise(await startWorkerProcess(env));
      stack.worker = w;
      return w;
    },
    async killWorker() {
      const w = stack.worker!;
      intended.add(w);
      w.child.kill('SIGKILL');
      await w.exited;
    },
    async stop() {
      stopping = true;
      await Promise.all([api.stop(5000), ...workers.map((w) => w.stop(5000))]);
      await sim.stop();
      await db.close();
    },
  };
  return stack;
}

/** A signed mo_sms as TeleSign posts it (for scenarios that must see the webhook's status code themselves). */
export function signedMo(channel: SeededChannel, customerNumber: string, text: string) {
  const referenceId = randomBytes(16).toString('hex').toUpperCase();
  const now = new Date().toISOString();
  const raw = JSON.stringify({
    reference_id: referenceId,
    status: { code: 1500, description: 'Delivered to customer', updated_on: now },
    submit_timestamp: now,
    errors: [],
    sub_resource: 'mo_sms',
    user_response: { phone_number: customerNumber, sender_id: channel.supportNumber, mo_message: text },
  });
  return {
    referenceId,
    raw,
    headers: { 'content-type': 'application/json', ...callbackHeaders(channel.customerId, channel.apiKey, raw) },
  };
}

/** Open-loop load: `perSecond` texts from `customers` phones for `seconds`, via the simulator (TeleSign retries). */
export async function simulatorLoad(
  sim: Simulator,
  to: string,
  opts: { customers: string[]; perSecond: number; seconds: number; label: string },
) {
  const total = Math.round(opts.perSecond * opts.seconds);
  const start = Date.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / opts.perSecond;
    if (due > Date.now() + 1) await new Promise((r) => setTimeout(r, due - Date.now()));
    const customer = opts.customers[i % opts.customers.length]!;
    pending.push(
      sim
        .phone(customer)
        .send(to, `${opts.label} ${i}`)
        .catch(() => undefined),
    );
  }
  await Promise.all(pending);
  return total;
}

export const customers = (n: number, prefix = '1777') => {
  const base = prefix + String(Math.floor(Math.random() * 900) + 100);
  return Array.from({ length: n }, (_, i) => `${base}${String(i).padStart(4, '0')}`);
};

export type Verdict = {
  scenario: string;
  ackedInbound: number;
  inboundInTranscripts: number;
  lostInbound: string[];
  /** Where the lost ones are: inbox status → count (pending = not yet handed to Temporal). */
  lostInboundInInbox: Record<string, number>;
  inboundMoreThanOnce: number;
  outbound: number;
  outboundByStatus: Record<string, number>;
  outboundNotFinal: number;
  failedWithoutError: number;
  duplicateSends: number;
  /** Worker processes that died unexpectedly (and were restarted): exit code/signal and the error line. */
  workerCrashes: { exit: number | string; error: string | null }[];
  details?: Record<string, unknown>;
};

/**
 * The invariants every fault scenario asserts, from the simulator's callback log (what TeleSign saw acknowledged),
 * its phones (what reached a handset) and the transcripts: every acked inbound SMS in exactly one transcript once;
 * every outbound message delivered or failed-and-visible (status + error on the message); sends reaching a phone
 * more than once are counted as duplicates.
 */
export async function verdict(
  stack: FaultStack,
  scenario: string,
  opts: { extraAcked?: string[]; timeoutMs?: number; details?: Record<string, unknown> } = {},
): Promise<Verdict> {
  const { sim, db } = stack;
  await sim.settle();
  const acked = new Set(opts.extraAcked ?? []);
  for (const c of sim.callbacks()) if (c.kind === 'mo_sms' && c.outcome === 'delivered') acked.add(c.referenceId);
  const refs = [...acked];
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  type Row = { ref: string; n: number; conversations: number };
  let rows: Row[] = [];
  let out: { status: string; n: number; no_error: number }[] = [];
  let lastProgress = Date.now();
  for (;;) {
    rows = (await db.sql`
      select provider_reference_id as ref, count(*)::int as n, count(distinct conversation_id)::int as conversations
      from messages where direction = 'inbound' and provider_reference_id = any(${refs})
      group by provider_reference_id`) as unknown as Row[];
    out = (await db.sql`
      select status::text, count(*)::int as n, count(*) filter (where error is null)::int as no_error
      from messages where direction in ('outbound', 'automated') group by status`) as unknown as typeof out;
    const notFinal = out
      .filter((o) => !['delivered', 'failed', 'blocked'].includes(o.status))
      .reduce((a, o) => a + o.n, 0);
    if ((rows.length === refs.length && notFinal === 0) || Date.now() > deadline) break;
    if (Date.now() - lastProgress > 15_000) {
      lastProgress = Date.now();
      const [p] = (await db.sql`
        select count(*) filter (where status = 'pending')::int as pending,
               max(attempts) filter (where status = 'pending')::int as max_attempts,
               extract(epoch from min(next_attempt_at) filter (where status = 'pending') - now())::int as next_in_s
        from inbox where kind = 'mo_sms'`) as unknown as [Record<string, number>];
      console.log(`[faults] ${scenario}: ${rows.length}/${refs.length} in transcripts, inbox ${JSON.stringify(p)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const seen = new Set(rows.map((r) => r.ref));
  const lost = refs.filter((r) => !seen.has(r));
  const lostInInbox = lost.length
    ? Object.fromEntries(
        (
          (await db.sql`
            select status::text, count(*)::int as n from inbox where reference_id = any(${lost}) group by status`) as unknown as {
            status: string;
            n: number;
          }[]
        ).map((r) => [r.status, r.n]),
      )
    : {};
  const byStatus = Object.fromEntries(out.map((o) => [o.status, o.n]));
  const externalIds = new Map<string, number>();
  const phones = (await db.sql`select distinct customer_number from conversations`) as unknown as {
    customer_number: string;
  }[];
  for (const p of phones)
    for (const m of sim.phone(p.customer_number).received())
      if (m.externalId) externalIds.set(m.externalId, (externalIds.get(m.externalId) ?? 0) + 1);
  const v: Verdict = {
    scenario,
    ackedInbound: refs.length,
    inboundInTranscripts: rows.length,
    lostInbound: lost,
    lostInboundInInbox: lostInInbox,
    inboundMoreThanOnce: rows.filter((r) => r.n !== 1 || r.conversations !== 1).length,
    outbound: out.reduce((a, o) => a + o.n, 0),
    outboundByStatus: byStatus,
    outboundNotFinal: out
      .filter((o) => !['delivered', 'failed', 'blocked'].includes(o.status))
      .reduce((a, o) => a + o.n, 0),
    failedWithoutError: out.filter((o) => o.status === 'failed').reduce((a, o) => a + o.no_error, 0),
    duplicateSends: [...externalIds.values()].filter((n) => n > 1).length,
    workerCrashes: stack.crashes.map((c) => ({ exit: c.exit, error: /\n(\w*Error[^\n]*)/.exec(c.tail)?.[1] ?? null })),
    ...(opts.details ? { details: opts.details } : {}),
  };
  const dir = new URL('../../bench/results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    new URL(`faults-${scenario}${LONG ? '-long' : ''}.json`, dir),
    `${JSON.stringify({ ...v, lostInbound: v.lostInbound.slice(0, 20), long: LONG, at: new Date().toISOString() }, null, 2)}\n`,
  );
  console.log(`[faults] ${JSON.stringify({ ...v, lostInbound: v.lostInbound.length })}`);
  if (lost.length || v.outboundNotFinal) {
    writeFileSync(
      new URL(`faults-${scenario}-processes.log`, dir),
      `--- api\n${stack.api.output().slice(-20_000)}\n--- worker\n${stack.worker?.output().slice(-20_000)}\n`,
    );
  }
  return v;
}

export const pgAdminUrl = () => inject('pgAdminUrl');

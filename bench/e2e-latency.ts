/**
 * End-to-end: the TeleSign simulator posts a signed mo_sms callback to the API process → webhook commits it →
 * hand-over to the conversation workflow (worker process) → recordInbound activity commits and NOTIFYs → the API's
 * LISTEN hub → message.created parsed by a supervisor's SSE client. Open loop at a fixed rate (default 100 msg/s)
 * over many customers; latency = SSE arrival − the moment the simulator was asked to send.
 *
 *   npm run bench:e2e -- [--runs 3] [--seconds 20] [--rate 100] [--customers 300]
 */
import { performance } from 'node:perf_hooks';
import { ADMIN_TOKEN, load, median, option, save, stats, step, until } from './lib/harness.js';
import { subscribe } from './lib/sse.js';
import { startAppStack } from './lib/stack.js';

const runs = option('runs', 3);
const seconds = option('seconds', 20);
const rate = option('rate', 100);
const customers = option('customers', 300);

const stack = await startAppStack({ seed: { agents: [{ capacity: 1000, presence: 'available' }] } });
try {
  const arrivals = new Map<string, number>();
  const sse = await subscribe(stack.api.url, ADMIN_TOKEN, (e) => {
    if (e.event === 'message.created' && e.json.direction === 'inbound') arrivals.set(String(e.json.messageId), e.at);
  });
  stack.infra.onCleanup(sse.close);

  const send = (i: number, sent: Map<string, number>, acks: number[]) => {
    const t0 = performance.now();
    const customer = `1666${String(i % customers).padStart(7, '0')}`;
    return stack.sim
      .phone(customer)
      .send(stack.channel.supportNumber, `e2e ${i}`)
      .then((r) => {
        sent.set(r.referenceId, t0);
        acks.push(performance.now() - t0);
      })
      .catch(() => {});
  };
  step('warm-up');
  {
    const w = new Map<string, number>();
    const ps = [];
    for (let i = 0; i < 100; i++) {
      ps.push(send(1_000_000 + i, w, []));
      await new Promise((r) => setTimeout(r, 1000 / rate));
    }
    await Promise.all(ps);
    await new Promise((r) => setTimeout(r, 3000));
  }

  const perRun = [];
  for (let run = 1; run <= runs; run++) {
    const loadBefore = load();
    const sent = new Map<string, number>();
    const acks: number[] = [];
    const total = seconds * rate;
    const start = performance.now();
    const meter = stack.cpuMeter();
    const ps: Promise<void>[] = [];
    step(`run ${run}: ${total} messages at ${rate}/s`);
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      ps.push(send(run * 100_000 + i, sent, acks));
    }
    await Promise.all(ps);
    const sendSeconds = (performance.now() - start) / 1000;
    const refs = [...sent.keys()];
    // message id ↔ reference id from the transcript.
    const byRef = new Map<string, string>();
    await until(
      async () => {
        const rows = (await stack.db.sql`
          select id, provider_reference_id from messages where provider_reference_id = any(${refs})`) as unknown as {
          id: string;
          provider_reference_id: string;
        }[];
        for (const r of rows) byRef.set(r.provider_reference_id, r.id);
        return byRef.size === refs.length && refs.every((ref) => arrivals.has(byRef.get(ref)!));
      },
      120_000,
      'every message in a transcript and at the SSE client',
    ).catch((e) => step(String(e)));
    const cpu = meter.stop();
    const lat: number[] = [];
    let missing = 0;
    for (const [ref, t0] of sent) {
      const at = arrivals.get(byRef.get(ref) ?? '');
      if (at === undefined) missing++;
      else lat.push(at - t0);
    }
    const r = {
      run,
      load1mBefore: loadBefore[0],
      sent: sent.size,
      missingAtSse: missing,
      achievedRatePerSecond: Math.round((total / sendSeconds) * 10) / 10,
      callbackToSseMs: stats(lat),
      webhookAckMs: stats(acks),
      cpuMsPerMessage: Object.fromEntries(
        Object.entries(cpu)
          .filter(([k]) => k !== 'wallSeconds')
          .map(([k, v]) => [k, Math.round(((v * 1000) / total) * 10) / 10]),
      ),
      cpuSeconds: cpu,
    };
    step(JSON.stringify(r));
    perRun.push(r);
    await new Promise((res) => setTimeout(res, 3000));
  }
  save(rate === 100 ? 'e2e-latency' : `e2e-latency-${rate}`, {
    measured:
      'simulator asked to send an SMS (it posts the signed mo_sms to the API) → message.created parsed by a supervisor SSE client, ms',
    command: `npm run bench:e2e -- --runs ${runs} --seconds ${seconds} --rate ${rate} --customers ${customers}`,
    setup: 'API and worker as separate processes, Temporal dev server, embedded PostgreSQL (fsync on)',
    runs,
    medianOfRuns: {
      p50Ms: median(perRun.map((r) => r.callbackToSseMs.median)),
      p99Ms: median(perRun.map((r) => r.callbackToSseMs.p99)),
      ackP50Ms: median(perRun.map((r) => r.webhookAckMs.median)),
      ackP99Ms: median(perRun.map((r) => r.webhookAckMs.p99)),
    },
    targets: { p50Ms: 80, p99Ms: 250, ratePerSecond: 100 },
    perRun,
  });
} finally {
  await stack.cleanup();
}
process.exit(0);

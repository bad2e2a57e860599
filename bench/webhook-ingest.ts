import { freePort } from '../dev/temporal-dev-server.js';
import { autocannon } from './lib/autocannon.js';
import { flag, load, median, option, save, spawnNode, step, until } from './lib/harness.js';
import { startAppStack } from './lib/stack.js';

const runs = option('runs', 3);
const seconds = option('seconds', 10);
const connections = option('connections', 20);
const rate = option('rate', 1000);
const customers = option('customers', 1000);
const idleSeconds = option('idle-seconds', 3);
const withWorker = !flag('no-worker');

const stack = await startAppStack({
  seed: { agents: [{ capacity: 1000, presence: 'available' }] },
  worker: withWorker,
});
try {
  const barePort = await freePort();
  const bare = spawnNode('bare-hono', 'bench/lib/bare-hono.ts', { PORT: String(barePort) });
  stack.infra.onCleanup(() => bare.stop());
  await until(async () => bare.output().includes('listening'), 30_000, 'bare hono');

  let seq = 0;
  // Every request a new signed mo_sms (autocannon calls setupRequest per request).
  const req = {
    setupRequest: (r: Record<string, unknown>) => {
      const n = seq++;
      const mo = stack.mo(`1555${String(n % customers).padStart(7, '0')}`, `load ${n}`);
      return { ...r, body: mo.raw, headers: mo.headers };
    },
  };
  const ours = (extra: Record<string, unknown>) =>
    autocannon({ url: stack.webhookUrl, method: 'POST', connections, requests: [req], ...extra });
  const bareUrl = `http://127.0.0.1:${barePort}/webhooks/telesign/${stack.channel.accountId}`;
  const inboxRows = async () =>
    ((await stack.db.sql`select count(*)::int as n from inbox`) as unknown as [{ n: number }])[0].n;

  step('warm-up');
  await autocannon({ url: bareUrl, method: 'POST', connections, requests: [req], duration: 2 });
  await ours({ duration: 3 });

  const pending = async () =>
    (
      (await stack.db.sql`select count(*)::int as n from inbox where status = 'pending'`) as unknown as [{ n: number }]
    )[0].n;
  const drained = () => until(async () => (await pending()) === 0, 120_000, 'inbox drained').catch(() => {});

  const perRun = [];
  for (let run = 1; run <= runs; run++) {
    // The API's own CPU with no traffic (relay polls, timers, metrics), so a run on a crowded machine, where few
    // callbacks get through, can also be read net of it.
    await drained();
    step(`run ${run}: idle API, ${idleSeconds} s`);
    const idleMeter = stack.cpuMeter();
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    const idle = idleMeter.stop();
    const apiIdleCpuPerSecond = idle.api! / idle.wallSeconds!;
    const loadBefore = load();
    step(`run ${run}: bare hono`);
    const b = await autocannon({ url: bareUrl, method: 'POST', connections, requests: [req], duration: seconds });
    step(`run ${run}: webhook, full speed`);
    const before = await inboxRows();
    const meter = stack.cpuMeter();
    const full = await ours({ duration: seconds });
    const cpu = meter.stop();
    // Let the hand-overs and greetings of the burst drain before measuring latency at the target rate.
    await drained();
    step(`run ${run}: webhook at ${rate}/s`);
    const fixed = await ours({ duration: seconds, overallRate: rate, connections: Math.max(connections, 50) });
    const after = await inboxRows();
    const ok = (full.statusCodeStats['200']?.count ?? 0) + (fixed.statusCodeStats['200']?.count ?? 0);
    const r = {
      run,
      load1mBefore: loadBefore[0],
      bareHono: { throughputPerSecond: b.requests.average, latencyMs: { median: b.latency.p50, p99: b.latency.p99 } },
      fullSpeed: {
        throughputPerSecond: full.requests.average,
        latencyMs: { median: full.latency.p50, p90: full.latency.p90, p99: full.latency.p99, max: full.latency.max },
        statusCodes: Object.fromEntries(Object.entries(full.statusCodeStats).map(([k, v]) => [k, v.count])),
        errors: full.errors,
        cpuMsPerCallback: Object.fromEntries(
          Object.entries(cpu)
            .filter(([k]) => k !== 'wallSeconds')
            .map(([k, v]) => [k, Math.round(((v * 1000) / Math.max(1, full.requests.total)) * 100) / 100]),
        ),
      },
      apiIdleCpuMsPerSecond: Math.round(apiIdleCpuPerSecond * 1000 * 10) / 10,
      apiCpuMsPerCallbackNetOfIdle:
        Math.round(
          (((cpu.api! - apiIdleCpuPerSecond * cpu.wallSeconds!) * 1000) / Math.max(1, full.requests.total)) * 1000,
        ) / 1000,
      ratioToBareHono: Math.round((full.requests.average / b.requests.average) * 1000) / 1000,
      atTargetRate: {
        rate,
        achievedPerSecond: fixed.requests.average,
        latencyMs: {
          median: fixed.latency.p50,
          p90: fixed.latency.p90,
          p99: fixed.latency.p99,
          max: fixed.latency.max,
        },
        statusCodes: Object.fromEntries(Object.entries(fixed.statusCodeStats).map(([k, v]) => [k, v.count])),
        errors: fixed.errors,
      },
      every200Stored: after - before >= ok,
    };
    step(JSON.stringify(r));
    perRun.push(r);
  }
  save(withWorker ? 'webhook-ingest' : 'webhook-ingest-no-worker', {
    worker: withWorker,
    measured:
      'POST /webhooks/telesign/{accountId}, distinct signed mo_sms (routable, new or existing conversation), time to 200 at autocannon, ms',
    command: `npm run bench:webhook-ingest -- --runs ${runs} --seconds ${seconds} --connections ${connections} --rate ${rate}${withWorker ? '' : ' --no-worker'}`,
    setup:
      'API and worker as separate processes, Temporal dev server, embedded PostgreSQL (fsync on), autocannon in the bench process',
    runs,
    medianOfRuns: {
      bareHonoPerSecond: median(perRun.map((r) => r.bareHono.throughputPerSecond)),
      oursPerSecond: median(perRun.map((r) => r.fullSpeed.throughputPerSecond)),
      ratio: median(perRun.map((r) => r.ratioToBareHono)),
      apiCpuMsPerCallback: median(perRun.map((r) => r.fullSpeed.cpuMsPerCallback.api ?? Number.NaN)),
      apiCpuMsPerCallbackNetOfIdle: median(perRun.map((r) => r.apiCpuMsPerCallbackNetOfIdle)),
      fullSpeedP50Ms: median(perRun.map((r) => r.fullSpeed.latencyMs.median)),
      fullSpeedP99Ms: median(perRun.map((r) => r.fullSpeed.latencyMs.p99)),
      atRateAchievedPerSecond: median(perRun.map((r) => r.atTargetRate.achievedPerSecond)),
      atRateP50Ms: median(perRun.map((r) => r.atTargetRate.latencyMs.median)),
      atRateP99Ms: median(perRun.map((r) => r.atTargetRate.latencyMs.p99)),
    },
    targets: { ackP99Ms: 15, atPerSecond: 1000, ratio: 0.25 },
    every200Stored: perRun.every((r) => r.every200Stored),
    perRun,
  });
} finally {
  await stack.cleanup();
}
process.exit(0);

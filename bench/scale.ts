/**
 * Scale: N open conversations (default 10,000: one SMS each from N customers, no agent available, so every
 * conversation stays open in its queue with its workflow running) held by ONE worker process; then the resident
 * memory of the worker process and of the API process (/proc/<pid>/status VmRSS). With --soak-minutes M, keeps
 * texting existing conversations (--soak-rate msg/s) for M minutes and samples RSS every minute, to show (no) growth.
 *
 *   npm run bench:scale -- [--conversations 10000] [--concurrency 20] [--soak-minutes 60] [--soak-rate 5]
 *                          [--worker-heap-mb 256] [--worker-cache 500]
 */
import { performance } from 'node:perf_hooks';
import { load, option, rssMiB, save, step, until } from './lib/harness.js';
import { startAppStack } from './lib/stack.js';

const total = option('conversations', 10_000);
const concurrency = option('concurrency', 20);
const soakMinutes = option('soak-minutes', 0);
const soakRate = option('soak-rate', 5);
/** V8 old-space limit of the worker process in MiB (0 = Node's default, ≈4 GiB here). */
const workerHeapMiB = option('worker-heap-mb', 0);
/** The worker's sticky cache (WORKER_MAX_CACHED_WORKFLOWS; 0 = the default, 500). */
const workerCache = option('worker-cache', 0);

const stack = await startAppStack({
  seed: { agents: [{ capacity: 1, presence: 'offline' }] },
  ...(workerHeapMiB ? { nodeArgs: { worker: [`--max-old-space-size=${workerHeapMiB}`] } } : {}),
  ...(workerCache ? { workerEnv: { WORKER_MAX_CACHED_WORKFLOWS: String(workerCache) } } : {}),
});
try {
  const rss = () => ({ workerMiB: rssMiB(stack.worker!.pid), apiMiB: rssMiB(stack.api.pid) });
  const idle = rss();
  step(`idle ${JSON.stringify(idle)}`);
  const customer = (i: number) => `1333${String(i).padStart(7, '0')}`;
  const loadBefore = load();
  const t0 = performance.now();
  let next = 0;
  let failed = 0;
  const poster = async () => {
    while (next < total) {
      const i = next++;
      const b = stack.mo(customer(i), `scale ${i}`);
      const res = await fetch(stack.webhookUrl, { method: 'POST', headers: b.headers, body: b.raw }).catch(() => null);
      if (res?.status !== 200) failed++;
      if (i % 1000 === 0) step(`posted ${i}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, poster));
  const postedSeconds = (performance.now() - t0) / 1000;
  let lastLog = 0;
  const peak = { workerMiB: 0, apiMiB: 0 };
  const notePeak = (r: { workerMiB: number; apiMiB: number }) => {
    peak.workerMiB = Math.max(peak.workerMiB, r.workerMiB);
    peak.apiMiB = Math.max(peak.apiMiB, r.apiMiB);
  };
  await until(
    async () => {
      notePeak(rss());
      const [r] = (await stack.db.sql`
        select count(*)::int as n from conversations where closed_at is null`) as unknown as [{ n: number }];
      if (Date.now() - lastLog > 30_000) {
        lastLog = Date.now();
        step(`${r.n} open conversations, rss ${JSON.stringify(rss())}`);
      }
      return r.n >= total;
    },
    3_600_000,
    `${total} open conversations`,
  );
  const openSeconds = (performance.now() - t0) / 1000;
  // Let the last activities (greetings, offers that find no agent) finish before reading memory.
  await new Promise((r) => setTimeout(r, 15_000));
  const held = rss();
  notePeak(held);
  step(`held ${JSON.stringify(held)}`);
  const samples: { minute: number; workerMiB: number; apiMiB: number }[] = [];
  if (soakMinutes > 0) {
    const soakStart = Date.now();
    let i = 0;
    let nextSample = soakStart;
    while (Date.now() - soakStart < soakMinutes * 60_000) {
      if (Date.now() >= nextSample) {
        samples.push({ minute: Math.round((Date.now() - soakStart) / 60_000), ...rss() });
        notePeak(samples.at(-1)!);
        step(`soak ${JSON.stringify(samples.at(-1))}`);
        nextSample += 60_000;
      }
      const b = stack.mo(customer(Math.floor(Math.random() * total)), `soak ${i++}`);
      await fetch(stack.webhookUrl, { method: 'POST', headers: b.headers, body: b.raw }).catch(() => null);
      await new Promise((r) => setTimeout(r, 1000 / soakRate));
    }
    samples.push({ minute: soakMinutes, ...rss() });
  }
  save(
    `scale${soakMinutes > 0 ? '-soak' : ''}${workerHeapMiB ? `-heap${workerHeapMiB}` : ''}${workerCache ? `-cache${workerCache}` : ''}`,
    {
      workerHeapMiB: workerHeapMiB || 'node default',
      workerCachedWorkflows: workerCache || 500,
      measured: 'resident memory (VmRSS) of one worker process and one API process holding N open conversations, MiB',
      command: `npm run bench:scale -- --conversations ${total} --concurrency ${concurrency}${soakMinutes ? ` --soak-minutes ${soakMinutes} --soak-rate ${soakRate}` : ''}${workerHeapMiB ? ` --worker-heap-mb ${workerHeapMiB}` : ''}${workerCache ? ` --worker-cache ${workerCache}` : ''}`,
      setup:
        'API and worker as separate processes (npm run api / npm run worker entry points), Temporal dev server, embedded PostgreSQL',
      conversations: total,
      load1mBefore: loadBefore[0],
      webhookFailures: failed,
      postedSeconds: Math.round(postedSeconds),
      allOpenSeconds: Math.round(openSeconds),
      idle,
      held,
      /** Highest RSS seen while opening (sampled with every progress check), holding and soaking. */
      peak,
      soak: soakMinutes > 0 ? { minutes: soakMinutes, ratePerSecond: soakRate, samples } : null,
      targets: { rssMiB: 512 },
    },
  );
} finally {
  await stack.cleanup();
}
process.exit(0);

/**
 * The Temporal hand-off ceiling: a raw signalWithStart loop (the webhook's hand-over call, nothing else) from this
 * process against the same kind of Temporal dev server the other benches use, on a task queue no worker polls. This
 * is the most hand-overs per second this machine's Temporal accepts; compare with bench:webhook-ingest.
 *
 *   npm run bench:temporal-ceiling -- [--runs 3] [--seconds 10] [--concurrency 20]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { cpuMeter, load, median, option, save, startInfra, stats, step } from './lib/harness.js';

const runs = option('runs', 3);
const seconds = option('seconds', 10);
const concurrency = option('concurrency', 20);

const infra = await startInfra();
try {
  const connection = await Connection.connect({ address: infra.temporalAddress });
  infra.onCleanup(() => connection.close());
  const client = new Client({ connection, namespace: 'default' });
  const taskQueue = `ceiling-${randomBytes(4).toString('hex')}`;
  let n = 0;
  const loop = async (until: number, lat: number[]) => {
    let done = 0;
    const one = async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        await client.workflow.signalWithStart('conversationWorkflow', {
          workflowId: `ceiling-${taskQueue}-${n++ % 5000}`,
          taskQueue,
          args: [{ accountId: 'a', supportNumber: '1', customerNumber: String(n) }],
          signal: 'inbound',
          signalArgs: [{ referenceId: String(n), text: 'x' }],
        });
        lat.push(performance.now() - t0);
        done++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, one));
    return done;
  };
  step('warm-up');
  await loop(performance.now() + 2000, []);
  const perRun = [];
  for (let run = 1; run <= runs; run++) {
    const loadBefore = load();
    const lat: number[] = [];
    const meter = cpuMeter(infra.pids());
    const start = performance.now();
    const done = await loop(start + seconds * 1000, lat);
    const wall = (performance.now() - start) / 1000;
    const cpu = meter.stop();
    const r = {
      run,
      load1mBefore: loadBefore[0],
      signalWithStartPerSecond: Math.round((done / wall) * 10) / 10,
      latencyMs: stats(lat),
      temporalCpuMsPerCall: Math.round(((cpu.temporal ?? 0) * 1000 * 100) / done) / 100,
    };
    step(JSON.stringify(r));
    perRun.push(r);
  }
  save('temporal-ceiling', {
    measured: 'client.workflow.signalWithStart calls per second (5,000 workflow ids, unpolled task queue)',
    command: `npm run bench:temporal-ceiling -- --runs ${runs} --seconds ${seconds} --concurrency ${concurrency}`,
    setup: 'Temporal dev server (in-memory SQLite), client in the bench process',
    runs,
    medianOfRuns: {
      perSecond: median(perRun.map((r) => r.signalWithStartPerSecond)),
      p50Ms: median(perRun.map((r) => r.latencyMs.median)),
      p99Ms: median(perRun.map((r) => r.latencyMs.p99)),
    },
    perRun,
  });
} finally {
  await infra.cleanup();
}
process.exit(0);

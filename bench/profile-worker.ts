/**
 * CPU profile of the worker process while customers text existing conversations (what limits bench:e2e): opens
 * --customers conversations, replaces the worker by one running `node --cpu-prof`, sends one warm-up SMS per
 * conversation (fills the sticky cache), then --rate msg/s for --seconds; stops the worker (SIGTERM writes the
 * profile) and prints CPU per message of every component and the worker's top self-time functions. The profile
 * includes the warm-up round. The .cpuprofile opens in Chrome DevTools.
 *
 *   npx tsx bench/profile-worker.ts [--customers 200] [--rate 50] [--seconds 20]   (profile dir: .scratch/profiles)
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { newProfiles, profilesIn, summarizeProfile } from './lib/cpu-profile.js';
import { cpuMeter, load, option, save, startWorker, step, threadCpuSeconds, until } from './lib/harness.js';
import { startAppStack } from './lib/stack.js';

const customers = option('customers', 200);
const rate = option('rate', 50);
const seconds = option('seconds', 20);
const dir = fileURLToPath(new URL('../.scratch/profiles/', import.meta.url));
mkdirSync(dir, { recursive: true });
const before = profilesIn(dir);

const stack = await startAppStack({ seed: { agents: [{ capacity: 1000, presence: 'available' }] } });
const phone = (i: number) => `1777${String(i % customers).padStart(7, '0')}`;
const inboundCount = async () =>
  (
    (await stack.db.sql`select count(*)::int as n from messages where direction = 'inbound'`) as unknown as [
      { n: number },
    ]
  )[0].n;
const sendAll = async (n: number, perSecond: number, tag: string) => {
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    sends.push(
      stack.sim
        .phone(phone(i))
        .send(stack.channel.supportNumber, `${tag} ${i}`)
        .catch(() => {}),
    );
    await new Promise((r) => setTimeout(r, 1000 / perSecond));
  }
  await Promise.all(sends);
};
let result: Record<string, unknown>;
try {
  step(`opening ${customers} conversations`);
  await sendAll(customers, 50, 'open');
  await until(async () => (await inboundCount()) >= customers, 300_000, 'conversations opened');
  await stack.worker!.stop();
  const profiled = await startWorker(stack.env, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  stack.setWorker(profiled);
  step('warm-up round on the profiled worker');
  await sendAll(customers, 50, 'warm');
  await until(async () => (await inboundCount()) >= 2 * customers, 300_000, 'warm-up recorded');
  const loadBefore = load();
  const meter = cpuMeter({ ...stack.infra.pids(), api: stack.api.pid, worker: profiled.pid });
  const threadsBefore = threadCpuSeconds(profiled.pid);
  const total = rate * seconds;
  step(`measured: ${total} SMS at ${rate}/s`);
  await sendAll(total, rate, 'load');
  await until(async () => (await inboundCount()) >= 2 * customers + total, 300_000, 'load recorded');
  const cpu = meter.stop();
  const threadsAfter = threadCpuSeconds(profiled.pid);
  await profiled.stop();
  const files = newProfiles(dir, before);
  result = {
    measured: 'worker self time while customers text existing conversations, % of samples (warm-up included)',
    command: `npx tsx bench/profile-worker.ts --customers ${customers} --rate ${rate} --seconds ${seconds}`,
    profiles: files.map((f) => `.scratch/profiles/${f}`),
    load1mBefore: loadBefore[0],
    cpuMsPerMessage: Object.fromEntries(
      Object.entries(cpu)
        .filter(([k]) => k !== 'wallSeconds')
        .map(([k, v]) => [k, Math.round(((v * 1000) / total) * 100) / 100]),
    ),
    // Worker CPU by thread name, ms per message (threads that started during the run count from zero).
    workerThreadsCpuMsPerMessage: Object.fromEntries(
      [...threadsAfter]
        .map(([name, s]) => [name, Math.round((((s - (threadsBefore.get(name) ?? 0)) * 1000) / total) * 100) / 100])
        .filter(([, ms]) => (ms as number) > 0)
        .sort((a, b) => (b[1] as number) - (a[1] as number)),
    ),
    // One .cpuprofile per JS thread: the main thread and each workflow thread of the SDK.
    threads: files.map((f) => ({ file: f, ...summarizeProfile(`${dir}${f}`, { functions: 25 }) })),
  };
} finally {
  await stack.cleanup();
}
save('profile-worker', result);
step('done');
process.exit(0);

import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { autocannon } from './lib/autocannon.js';
import { newProfile, profilesIn, summarizeProfile } from './lib/cpu-profile.js';
import { flag, option, save, step } from './lib/harness.js';
import { startAppStack } from './lib/stack.js';

const seconds = option('seconds', 10);
const connections = option('connections', 20);
const dir = fileURLToPath(new URL('../.scratch/profiles/', import.meta.url));
mkdirSync(dir, { recursive: true });
const before = profilesIn(dir);
const stack = await startAppStack({
  worker: flag('worker'),
  nodeArgs: { api: ['--cpu-prof', `--cpu-prof-dir=${dir}`] },
});
let r: Awaited<ReturnType<typeof autocannon>>;
try {
  let n = 0;
  r = await autocannon({
    url: stack.webhookUrl,
    method: 'POST',
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => {
          const mo = stack.mo(`1555${String(n++ % 500).padStart(7, '0')}`, 'profile');
          return { ...req, body: mo.raw, headers: mo.headers };
        },
      },
    ],
  });
  await stack.api.stop();
} finally {
  await stack.cleanup();
}
const file = newProfile(dir, before);
save('profile-webhook', {
  measured: 'self time in the API process under webhook load, % of samples',
  command: `npx tsx bench/profile-webhook.ts --seconds ${seconds} --connections ${connections}${flag('worker') ? ' --worker' : ''}`,
  profile: `.scratch/profiles/${file}`,
  throughputPerSecond: r!.requests.average,
  latencyMs: { median: r!.latency.p50, p99: r!.latency.p99 },
  ...summarizeProfile(`${dir}${file}`),
});
step('done');
process.exit(0);

/**
 * CPU profile of the API process under webhook load (what limits bench:webhook-ingest): the API runs with
 * `node --cpu-prof`, autocannon posts signed mo_sms for --seconds, the API is stopped (SIGTERM writes the profile) and
 * the top self-time functions are printed. The .cpuprofile opens in Chrome DevTools.
 *
 *   npx tsx bench/profile-webhook.ts [--seconds 10] [--connections 20] [--worker]   (profile dir: .scratch/profiles, git-ignored)
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { callbackHeaders } from '../telesign/signature.js';
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
          const now = new Date().toISOString();
          const raw = JSON.stringify({
            reference_id: randomBytes(16).toString('hex').toUpperCase(),
            status: { code: 1500, description: 'Delivered to customer', updated_on: now },
            submit_timestamp: now,
            errors: [],
            sub_resource: 'mo_sms',
            user_response: {
              phone_number: `1555${String(n++ % 500).padStart(7, '0')}`,
              sender_id: stack.channel.supportNumber,
              mo_message: 'profile',
            },
          });
          return {
            ...req,
            body: raw,
            headers: {
              'content-type': 'application/json',
              ...callbackHeaders(stack.channel.customerId, stack.channel.apiKey, raw),
            },
          };
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

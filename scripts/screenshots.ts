/**
 * Regenerates docs/screenshots/*.png: runs the browser tests (test/web/workspace.test.ts) with SMSDESK_SCREENSHOTS=1,
 * so every screenshot shows a state the tests just asserted. Needs /usr/bin/chromium (see .ci/run).
 * Usage: npx tsx scripts/screenshots.ts
 */
import { spawnSync } from 'node:child_process';

const result = spawnSync('npx', ['vitest', 'run', 'test/web/workspace.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, SMSDESK_SCREENSHOTS: '1' },
});
process.exit(result.status ?? 1);

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/env.js';
import { DemoError, type DemoState, provisionDemo, readDemoState, signInLinks } from './demo.js';
import { stopStaleProcesses } from './launcher-pids.js';
import { type LocalStack, startLocalStack } from './local-stack.js';
import { assertPortsFree, type NeededPort, PortInUseError } from './ports.js';
import { PROJECT_ROOT, ToolsError } from './provision-tools.js';

// `npm start`: the whole product on embedded defaults, with a live demo channel on first start. Ctrl-C, SIGTERM or a
// closed terminal (SIGHUP) stops everything this process started within 10 s; a second Ctrl-C stops at once; if this
// process is killed outright, watchdogs stop the Temporal dev server and PostgreSQL.

const STOP_DEADLINE_MS = 9_000;
const env = process.env;
const dataDir = env.SMSDESK_DATA_DIR ?? join(PROJECT_ROOT, '.data');
const INITIALIZED = join(dataDir, 'initialized');

function demoWanted(): boolean {
  if (process.argv.includes('--no-demo')) return false;
  const v = (env.SMSDESK_DEMO ?? 'true').trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  console.error(`SMSDESK_DEMO: must be true or false (got "${env.SMSDESK_DEMO}")`);
  process.exit(1);
}

function portFrom(variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    console.error(`${variable}: must be a port number from 1 to 65535 (got "${raw}")`);
    process.exit(1);
  }
  return n;
}

const ports = {
  api: portFrom('PORT', 3000),
  temporal: portFrom('SMSDESK_TEMPORAL_PORT', 7233),
  temporalUi: portFrom('SMSDESK_TEMPORAL_UI_PORT', 8233),
  postgres: portFrom('SMSDESK_POSTGRES_PORT', 54329),
  simulator: portFrom('SIMULATOR_PORT', 4010),
};

let stack: LocalStack | null = null;
let stopping = false;

function onSignal(signal: NodeJS.Signals) {
  if (stopping || !stack) {
    // Second signal, or one during start-up: stop now. Children die with us (kill, then their watchdogs).
    stack?.kill();
    if (stopping) console.log(`\n${signal} again: stopped immediately`);
    process.exit(130);
  }
  stopping = true;
  const current = stack;
  console.log(`\n${signal}: stopping… (press Ctrl-C again to stop immediately)`);
  const t0 = Date.now();
  const deadline = setTimeout(() => {
    console.log(`not stopped after ${STOP_DEADLINE_MS / 1000} s: killing what is left`);
    current.kill();
    process.exit(1);
  }, STOP_DEADLINE_MS);
  deadline.unref();
  void current.stop().then(() => {
    console.log(`stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    process.exit(0);
  });
}
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => onSignal(s));

function fail(err: unknown): never {
  const known = [ConfigError, ToolsError, PortInUseError, DemoError].some((E) => err instanceof E);
  console.error(known ? (err as Error).message : err);
  stack?.kill();
  process.exit(1);
}

try {
  for (const line of await stopStaleProcesses(dataDir)) console.log(line);
  const needed: NeededPort[] = [
    { port: ports.api, host: env.HOST ?? '0.0.0.0', what: 'smsdesk API', variable: 'PORT' },
  ];
  if (!env.TEMPORAL_ADDRESS) {
    needed.push(
      { port: ports.temporal, host: '127.0.0.1', what: 'Temporal dev server', variable: 'SMSDESK_TEMPORAL_PORT' },
      { port: ports.temporalUi, host: '127.0.0.1', what: 'Temporal Web UI', variable: 'SMSDESK_TEMPORAL_UI_PORT' },
    );
  }
  if (!env.DATABASE_URL) {
    needed.push({ port: ports.postgres, host: '127.0.0.1', what: 'PostgreSQL', variable: 'SMSDESK_POSTGRES_PORT' });
  }
  if (!env.TELESIGN_BASE_URL) {
    needed.push({ port: ports.simulator, host: '0.0.0.0', what: 'TeleSign simulator', variable: 'SIMULATOR_PORT' });
  }
  await assertPortsFree(needed);

  const firstStart = !existsSync(INITIALIZED);
  stack = await startLocalStack({
    dataDir,
    temporalPort: ports.temporal,
    temporalUiPort: ports.temporalUi,
    postgresPort: ports.postgres,
    guardChildren: true,
  });
  if (stopping) process.exit(130);

  let demo: DemoState | null = readDemoState(dataDir);
  const sim = stack.simulator;
  const adminToken = stack.adminToken;
  if (!demo && firstStart && sim && adminToken && demoWanted()) {
    demo = await provisionDemo({ apiUrl: stack.apiUrl, adminToken, simulator: sim, dataDir });
  }
  const links = adminToken ? await signInLinks({ apiUrl: stack.apiUrl, adminToken, demo }) : [];
  writeFileSync(INITIALIZED, `${new Date().toISOString()}\n`);

  const out: string[] = [''];
  // From this process's start, module loading included.
  out.push(`smsdesk is running (ready in ${process.uptime().toFixed(1)} s)`);
  out.push(`  API            ${stack.apiUrl}        (health: ${stack.apiUrl}/readyz)`);
  out.push(`  Temporal UI    ${stack.temporalUiUrl ?? '(external Temporal: see your cluster UI)'}`);
  if (sim) out.push(`  Phone          ${sim.url}/sim   (the TeleSign simulator: text the support number from here)`);
  if (demo) out.push(`  Demo channel   support number ${demo.number} → queue "Demo queue" → Demo Agent (Available)`);
  if (links.length > 0) {
    const minutes = Math.round((Date.parse(links[0]!.expiresAt) - Date.now()) / 60_000);
    out.push('', `Sign in (each link works once, for ${minutes} minutes; restart npm start for new ones):`);
    for (const l of links) out.push(`  ${`${l.who}:`.padEnd(12)} ${l.url}`);
  }
  // The generated token is shown on the first successful start only; later starts print sign-in links instead.
  if (firstStart && !env.BOOTSTRAP_ADMIN_TOKEN && adminToken) {
    out.push(
      '',
      `Admin API token (shown only now; also stored in ${join(dataDir, 'admin-token')}):`,
      `  ${adminToken}`,
    );
  }
  if (sim && !demo) {
    out.push(
      '',
      `TeleSign simulator account for the setup wizard: customer ID ${sim.customerId}, REST host ${sim.url},`,
      `  API key ${sim.apiKey}, numbers ${sim.numbers.join(', ')}`,
    );
  }
  out.push('', 'Press Ctrl-C to stop.');
  console.log(out.join('\n'));
} catch (err) {
  fail(err);
}

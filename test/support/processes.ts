import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { freePort, stopChild } from '../../dev/temporal-dev-server.js';

/**
 * Production entry points (api/main.ts, worker/main.ts) as real child processes, the way `npm run api` / `npm run
 * worker` start them, pointed at the run's Temporal dev server. Used to prove that nothing assumes one replica.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type ProcessEnv = Record<string, string>;

export type RunningProcess = {
  name: string;
  child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr, interleaved). */
  output: () => string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop: (graceMs?: number) => Promise<void>;
};

export type ApiProcess = RunningProcess & { url: string; port: number };

/** Env shared by API and worker processes of one test: same database, Temporal, task queue and keys. */
export function processEnv(opts: { databaseUrl: string; taskQueue: string; extra?: ProcessEnv }): ProcessEnv {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: opts.databaseUrl,
    DATABASE_POOL_MAX: '5',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: opts.taskQueue,
    // Workers load the run's prebuilt bundle instead of running webpack in every process.
    TEMPORAL_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    BOOTSTRAP_ADMIN_TOKEN: 'test-admin-token-0123456789',
    LOG_LEVEL: 'info',
    INBOX_RELAY_INTERVAL_MS: '200',
    ...opts.extra,
  };
}

function startProcess(name: string, entry: string, env: ProcessEnv): RunningProcess {
  // Only what the process needs (PATH for node, HOME for tsx's cache); no inherited DATABASE_URL or the like.
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const capture = (b: Buffer) => {
    out += b.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { name, child, output: () => out, exited, stop: (graceMs = 15_000) => stopChild(child, graceMs) };
}

async function waitFor(proc: RunningProcess, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(
        `${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before it was ready:\n${proc.output()}`,
      );
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      await proc.stop(1000);
      throw new Error(`${proc.name} not ready within ${timeoutMs} ms:\n${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Starts `api/main.ts` on a free port and waits until GET /readyz answers 200 (Postgres and Temporal reachable). */
export async function startApiProcess(env: ProcessEnv, opts: { name?: string; timeoutMs?: number } = {}) {
  const port = await freePort();
  const proc = startProcess(opts.name ?? `api:${port}`, 'api/main.ts', {
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(proc, async () => (await fetch(`${url}/readyz`)).status === 200, opts.timeoutMs ?? 60_000);
  return { ...proc, url, port } satisfies ApiProcess;
}

/** Starts `worker/main.ts` and waits for its "worker running" log line (it then polls its task queue). */
export async function startWorkerProcess(env: ProcessEnv, opts: { name?: string; timeoutMs?: number } = {}) {
  const proc = startProcess(opts.name ?? 'worker', 'worker/main.ts', env);
  await waitFor(proc, async () => proc.output().includes('"msg":"worker running"'), opts.timeoutMs ?? 90_000);
  return proc;
}

/** Stops every process (in parallel) and reports the ones that did not exit cleanly. */
export async function stopAll(procs: (RunningProcess | undefined)[]): Promise<void> {
  await Promise.all(procs.map((p) => p?.stop()));
}

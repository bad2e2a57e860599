/**
 * Shared bench harness: our own Temporal dev server (restartable, SQLite file), PostgreSQL (embedded, durable —
 * fsync on, as in production — or a scratch database on DATABASE_URL), a workflow bundle built once, the API and
 * worker as separate processes (`node --import tsx api/main.ts` / `worker/main.ts`, as `npm run api|worker`), and
 * the TeleSign simulator in the bench process. Everything started here is stopped by `cleanup()`; only children we
 * spawned are ever signalled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import postgres from 'postgres';
import { loadConfig } from '../../config/env.js';
import { createDb, type DbHandle } from '../../db/client.js';
import { runMigrations } from '../../db/migrate.js';
import { startEmbeddedPostgres } from '../../dev/embedded-postgres.js';
import { provisionTools } from '../../dev/provision-tools.js';
import { type DevServer, freePort, startTemporalDevServer, stopChild } from '../../dev/temporal-dev-server.js';
import { workflowsPath } from '../../worker/create-worker.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ENCRYPTION_KEY = Buffer.alloc(32, 9).toString('base64');
export const ADMIN_TOKEN = 'bench-admin-token-0123456789';

export const step = (m: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);

export type Stats = { median: number; p90: number; p99: number; max: number; n: number };
export function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return { median: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN, n: 0 };
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  const r = (v: number) => Math.round(v * 100) / 100;
  return { median: r(q(0.5)), p90: r(q(0.9)), p99: r(q(0.99)), max: r(s.at(-1)!), n: s.length };
}
export const median = (xs: number[]) => {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Machine and load, written next to every figure (shared 2-core machines are noisy). */
export function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return {
    nproc: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    cpu: model,
    node: process.version,
  };
}
export const load = () => loadavg().map((x) => Math.round(x * 100) / 100);

export function save(name: string, result: Record<string, unknown>) {
  const out = { ...result, machine: machine(), loadAtEnd: load(), at: new Date().toISOString() };
  const text = `${JSON.stringify(out, null, 2)}\n`;
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  writeFileSync(new URL(`../results/${name}.json`, import.meta.url), text);
  console.log(text);
}

export function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}
export function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Resident set size of a process in MiB (/proc/<pid>/status VmRSS). */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : Number.NaN;
}

export type Child = {
  name: string;
  child: ChildProcess;
  pid: number;
  output: () => string;
  exited: Promise<number | string>;
  stop: (graceMs?: number) => Promise<void>;
  kill: () => Promise<void>;
};

export function spawnNode(name: string, entry: string, env: Record<string, string>, nodeArgs: string[] = []): Child {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
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
  return {
    name,
    child,
    pid: child.pid!,
    output: () => out,
    exited,
    stop: (graceMs = 15_000) => stopChild(child, graceMs),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

async function waitReady(proc: Child, ready: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null)
      throw new Error(`${proc.name} exited before it was ready:\n${proc.output()}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      await proc.stop(1000);
      throw new Error(`${proc.name} not ready within ${timeoutMs} ms:\n${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

export type Infra = Awaited<ReturnType<typeof startInfra>>;

/** Postgres + Temporal dev server + workflow bundle + a migrated scratch database. */
export async function startInfra(opts: { temporalPort?: number; temporalFile?: boolean } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'smsdesk-bench-'));
  chmodSync(tmp, 0o755);
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(tmp, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((e) => console.error('cleanup:', e));
  };
  // Ctrl-C / SIGTERM stop what we started (children would otherwise outlive the bench).
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      step(`${sig}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  try {
    const tools = provisionTools({ log: () => {} });
    const temporalPort = opts.temporalPort ?? (await freePort());
    const dbFile = join(tmp, 'temporal.sqlite');
    let temporal: DevServer | null = null;
    const startTemporal = async () => {
      temporal = await startTemporalDevServer({
        cli: tools.temporal,
        port: temporalPort,
        uiPort: null,
        ...(opts.temporalFile ? { dbFile } : {}),
      });
    };
    const [, pg, bundle] = await Promise.all([
      startTemporal(),
      process.env.DATABASE_URL
        ? Promise.resolve(null)
        : freePort().then((port) => startEmbeddedPostgres({ dir: join(tmp, 'pg'), port, persistent: true })),
      bundleWorkflowCode({
        workflowsPath: workflowsPath(),
        logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
      }),
    ]);
    cleanups.push(async () => {
      await (temporal as DevServer | null)?.stop();
    });
    if (pg) cleanups.push(pg.stop);
    const adminUrl = pg?.adminUrl ?? process.env.DATABASE_URL!;
    const dbName = `bench_${randomBytes(4).toString('hex')}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${dbName}`);
    cleanups.push(async () => {
      await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {});
      await admin.end();
    });
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    const dbUrl = url.toString();
    await runMigrations(dbUrl);
    const bundlePath = join(tmp, 'workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);
    const temporalAddress = `127.0.0.1:${temporalPort}`;
    return {
      tmp,
      dbUrl,
      adminUrl,
      temporalAddress,
      bundlePath,
      temporalCli: tools.temporal,
      pids: (): StackPids => {
        const pmFile = join(tmp, 'pg', 'postmaster.pid');
        const postgres = existsSync(pmFile) ? Number(readFileSync(pmFile, 'utf8').split('\n')[0]) : undefined;
        return { temporal: (temporal as DevServer | null)?.process.pid, postgres };
      },
      /** Stops the Temporal dev server (its SQLite file is kept). */
      stopTemporal: async () => {
        await (temporal as DevServer | null)?.stop();
        temporal = null;
      },
      /** Starts it again on the same port (with the same state when temporalFile). */
      startTemporal,
      onCleanup: (fn: () => Promise<void>) => cleanups.push(fn),
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

export function appEnv(infra: Infra, taskQueue: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: infra.dbUrl,
    TEMPORAL_ADDRESS: infra.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_WORKFLOW_BUNDLE: infra.bundlePath,
    ENCRYPTION_KEY,
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
    INBOX_RELAY_INTERVAL_MS: '500',
    ...extra,
  };
}

export type ApiChild = Child & { url: string; port: number };

export async function startApi(env: Record<string, string>, nodeArgs: string[] = []): Promise<ApiChild> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawnNode(
    `api:${port}`,
    'api/main.ts',
    { ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_BASE_URL: url },
    nodeArgs,
  );
  await waitReady(proc, async () => (await fetch(`${url}/readyz`)).status === 200, 90_000);
  return { ...proc, url, port };
}

export async function startWorker(env: Record<string, string>, nodeArgs: string[] = []): Promise<Child> {
  // LOG_LEVEL warn would hide the readiness line; the worker logs little at info.
  const proc = spawnNode('worker', 'worker/main.ts', { ...env, LOG_LEVEL: 'info' }, nodeArgs);
  await waitReady(proc, async () => proc.output().includes('"msg":"worker running"'), 120_000);
  return proc;
}

/** Config for seeding (keyring) and a pool on the bench database. */
export function benchDb(infra: Infra, max = 5): DbHandle & { config: ReturnType<typeof loadConfig> } {
  const config = loadConfig({
    DATABASE_URL: infra.dbUrl,
    ENCRYPTION_KEY,
    TEMPORAL_ADDRESS: infra.temporalAddress,
    LOG_LEVEL: 'warn',
  });
  return { ...createDb(infra.dbUrl, { max }), config };
}

/** Polls until fn returns truthy. */
export async function until<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const CLK_TCK = 100;
/** CPU seconds (user + system) used so far by a process and, with `children`, its direct children (Postgres backends). */
export function cpuSeconds(pid: number, children = false): number {
  const one = (p: number) => {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8');
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      return { ppid: Number(rest[1]), cpu: (Number(rest[11]) + Number(rest[12])) / CLK_TCK };
    } catch {
      return { ppid: -1, cpu: 0 };
    }
  };
  let total = one(pid).cpu;
  if (children) {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      const s = one(Number(d));
      if (s.ppid === pid) total += s.cpu;
    }
  }
  return total;
}

/** PIDs of the parts of one stack, for CPU accounting. */
export type StackPids = { api?: number; worker?: number; temporal?: number; postgres?: number };

/** CPU seconds per component since `start()`; the bench process itself (load generator, simulator) included. */
/** CPU seconds of each thread of a process, by thread name (`comm`): the worker's JS thread, its workflow threads,
 * the SDK core's Rust threads and V8's helpers are told apart this way (--cpu-prof sees only JS). */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tasks) {
    try {
      const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = f.slice(f.indexOf('(') + 1, f.lastIndexOf(')'));
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + (Number(rest[11]) + Number(rest[12])) / CLK_TCK);
    } catch {
      // the thread ended meanwhile
    }
  }
  return byName;
}

export function cpuMeter(pids: StackPids) {
  const read = () => ({
    api: pids.api ? cpuSeconds(pids.api) : 0,
    worker: pids.worker ? cpuSeconds(pids.worker) : 0,
    temporal: pids.temporal ? cpuSeconds(pids.temporal, true) : 0,
    postgres: pids.postgres ? cpuSeconds(pids.postgres, true) : 0,
    benchProcess: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
  });
  const start = read();
  const t0 = Date.now();
  return {
    /** CPU seconds per component, and the wall seconds elapsed. */
    stop() {
      const end = read();
      const out: Record<string, number> = { wallSeconds: (Date.now() - t0) / 1000 };
      for (const k of Object.keys(end) as (keyof typeof end)[]) out[k] = Math.round((end[k] - start[k]) * 100) / 100;
      return out;
    },
  };
}

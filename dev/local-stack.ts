import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { startBackgroundServices } from '../api/background.js';
import { bootstrap } from '../api/bootstrap.js';
import { listen } from '../api/server.js';
import { createApp } from '../app/create-app.js';
import { type Config, loadConfig } from '../config/env.js';
import { createDb } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { installTemporalRuntime } from '../lib/temporal-runtime.js';
import { startSimulator } from '../telesign/simulator/server.js';
import { connectClient, connectWorkerConnection } from '../temporal/connection.js';
import { createWorker } from '../worker/create-worker.js';
import { watchChild } from './child-watch.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { isOurs, LauncherPids } from './launcher-pids.js';
import { provisionTools } from './provision-tools.js';
import { startTemporalDevServer } from './temporal-dev-server.js';

/**
 * Everything `npm start` runs, in one process: Temporal dev server (unless TEMPORAL_ADDRESS), embedded PostgreSQL
 * (unless DATABASE_URL), migrations, worker and API. Generated secrets live in the data dir so a second start reuses
 * them together with the data.
 */

export type LocalStackOptions = {
  dataDir: string;
  env?: Record<string, string | undefined>;
  temporalPort?: number;
  temporalUiPort?: number | null;
  postgresPort?: number;
  log?: (msg: string) => void;
  /** Record the processes started in dataDir/launcher.json and have watchdogs end them if this process dies. */
  guardChildren?: boolean;
};

export type SimulatorAccount = { url: string; customerId: string; apiKey: string; numbers: string[] };

export type LocalStack = {
  config: Config;
  apiUrl: string;
  temporalUiUrl: string | null;
  adminToken: string | undefined;
  /** True when this start generated the admin token (a new data dir): the only time it is shown. */
  adminTokenCreated: boolean;
  simulator: SimulatorAccount | null;
  logger: Logger;
  stop: () => Promise<void>;
  /** Second Ctrl-C: SIGKILL the Temporal dev server and PostgreSQL now, without draining anything. */
  kill: () => void;
};

function persistedSecret(file: string, make: () => string, onCreate?: () => void): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  onCreate?.();
  return value;
}

/** PostgreSQL writes its postmaster pid as the first line of postmaster.pid in its data dir. */
function postmasterPid(dir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const env = { ...(opts.env ?? process.env) };
  const log = opts.log ?? ((m: string) => console.log(m));
  mkdirSync(opts.dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const pids = opts.guardChildren ? new LauncherPids(opts.dataDir) : null;
  const binaries: { pid: number; match: string }[] = [];
  const dogs: { release: () => void }[] = [];
  const releaseDogs = () => {
    for (const dog of dogs.splice(0)) dog.release();
    pids?.clear();
  };
  const guard = (name: string, pid: number | null | undefined, match: string, signal: NodeJS.Signals) => {
    if (!pid) return;
    binaries.push({ pid, match });
    if (!pids) return;
    pids.add(name, pid, match);
    dogs.push(watchChild(pid, signal));
  };
  const kill = () => {
    // Only processes still ours: a pid of a child that already exited may have been reused.
    for (const { pid, match } of binaries) {
      if (!isOurs(pid, match)) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  };
  // Each step gets a time budget so the whole stop fits in npm start's 10 s even with busy conversations; a step
  // over budget is left behind (its process ends with ours, and anything durable is retried on the next start).
  const budgets = new Map<() => Promise<void>, { name: string; ms: number }>();
  const budget = (name: string, ms: number, fn: () => Promise<void>) => {
    budgets.set(fn, { name, ms });
    return fn;
  };
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      const b = budgets.get(stop) ?? { name: 'a component', ms: 1500 };
      let timer: NodeJS.Timeout | undefined;
      const over = new Promise<'over'>((r) => {
        timer = setTimeout(() => r('over'), b.ms);
      });
      try {
        const result = await Promise.race([stop().then(() => 'done' as const), over]);
        if (result === 'over') log(`${b.name} did not stop within ${b.ms / 1000} s; going on without it`);
      } catch (err) {
        log(`while stopping ${b.name}: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        clearTimeout(timer);
      }
    }
    stops.length = 0;
  };

  try {
    env.ENCRYPTION_KEY ||= persistedSecret(join(opts.dataDir, 'encryption.key'), () =>
      randomBytes(32).toString('base64'),
    );
    let adminTokenCreated = false;
    env.BOOTSTRAP_ADMIN_TOKEN ||= persistedSecret(
      join(opts.dataDir, 'admin-token'),
      () => `sd_admin_${randomBytes(24).toString('base64url')}`,
      () => {
        adminTokenCreated = true;
      },
    );
    // npm start must stop within 10 s even with busy conversations: a short drain, then activities are retried.
    env.WORKER_SHUTDOWN_GRACE_SECONDS ||= '4';

    let temporalUiUrl: string | null = null;
    if (!env.TEMPORAL_ADDRESS) {
      const tools = provisionTools({ log });
      const uiPort = opts.temporalUiPort === undefined ? 8233 : opts.temporalUiPort;
      const server = await startTemporalDevServer({
        cli: tools.temporal,
        port: opts.temporalPort ?? 7233,
        uiPort,
        dbFile: join(opts.dataDir, 'temporal.sqlite'),
        logFile: join(opts.dataDir, 'temporal.log'),
      });
      stops.push(budget('the Temporal dev server', 1500, server.stop));
      guard('Temporal dev server', server.process.pid, 'start-dev', 'SIGTERM');
      env.TEMPORAL_ADDRESS = server.address;
      temporalUiUrl = server.uiUrl;
      if (temporalUiUrl) env.TEMPORAL_UI_URL ||= temporalUiUrl;
    } else {
      temporalUiUrl = env.TEMPORAL_UI_URL ?? null;
    }

    if (!env.DATABASE_URL) {
      const pgDir = join(opts.dataDir, 'postgres');
      const pg = await startEmbeddedPostgres({ dir: pgDir, port: opts.postgresPort ?? 54329 });
      stops.push(budget('PostgreSQL', 1500, pg.stop));
      // Fast shutdown (SIGINT) when orphaned: our connections are gone with us anyway.
      guard('PostgreSQL', postmasterPid(pgDir), 'postgres', 'SIGINT');
      env.DATABASE_URL = pg.url;
    }

    // TeleSign simulator when no real TeleSign host is configured; the demo credentials persist with the data.
    let simulator: Awaited<ReturnType<typeof startSimulator>> | null = null;
    let demoCustomerId = '';
    let simulatorAccount: SimulatorAccount | null = null;
    if (!env.TELESIGN_BASE_URL) {
      simulator = await startSimulator({ port: Number(env.SIMULATOR_PORT ?? 4010), publicHost: '127.0.0.1' });
      stops.push(budget('the TeleSign simulator', 1000, simulator.stop));
      env.TELESIGN_BASE_URL = simulator.url;
      // The simulator speaks plain http on loopback: allow exactly its origin (scheme and port), nothing wider.
      env.TELESIGN_ALLOWED_HOSTS = [env.TELESIGN_ALLOWED_HOSTS, simulator.url].filter(Boolean).join(',');
      demoCustomerId = persistedSecret(join(opts.dataDir, 'simulator-customer-id'), () =>
        randomBytes(16)
          .toString('hex')
          .toUpperCase()
          .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
      );
      const demo = simulator.addAccount({
        customerId: demoCustomerId,
        apiKey: persistedSecret(join(opts.dataDir, 'simulator-api-key'), () => randomBytes(48).toString('base64')),
        numbers: (env.SIMULATOR_NUMBERS ?? '14252306549').split(',').filter(Boolean),
      });
      simulatorAccount = {
        url: simulator.url,
        customerId: demo.customerId,
        apiKey: demo.apiKey,
        numbers: demo.numbers,
      };
    }

    const config = loadConfig(env);
    const logger = createLogger(config.LOG_LEVEL);
    await runMigrations(config.DATABASE_URL);

    installTemporalRuntime();
    const dbHandle = createDb(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
    stops.push(budget('the database pool', 1500, dbHandle.close));
    await bootstrap(dbHandle.db, config.BOOTSTRAP_ADMIN_TOKEN);
    if (simulator) {
      // The simulator forgets callback URLs on restart; re-point it at an existing smsdesk account for the demo ID.
      const account = await dbHandle.db.query.messagingAccounts.findFirst({
        where: (a, { eq }) => eq(a.customerId, demoCustomerId),
      });
      if (account)
        simulator.setCallbackUrl(demoCustomerId, `${config.PUBLIC_BASE_URL}/webhooks/telesign/${account.id}`);
    }

    const temporal = await connectClient(config);
    stops.push(budget('the Temporal client', 1000, () => temporal.connection.close()));

    const workerConnection = await connectWorkerConnection(config);
    stops.push(budget('the worker connection', 1000, () => workerConnection.close()));
    const worker: Worker = await createWorker({
      connection: workerConnection,
      config,
      deps: { db: dbHandle.db, config },
      shutdownGraceTime: `${config.WORKER_SHUTDOWN_GRACE_SECONDS}s`,
    });
    const running = worker.run();
    stops.push(
      budget('the worker', (config.WORKER_SHUTDOWN_GRACE_SECONDS + 1) * 1000, async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      }),
    );

    const apiDeps = { config, db: dbHandle.db, sql: dbHandle.sql, temporal, logger };
    const background = await startBackgroundServices(apiDeps);
    stops.push(budget('the inbox relay and event hub', 1500, background.stop));
    const app = createApp(apiDeps);
    const server = await listen(app, config.PORT, config.HOST);
    stops.push(budget('the API server', 1500, server.close));

    return {
      config,
      apiUrl: `http://localhost:${server.port}`,
      temporalUiUrl,
      adminToken: config.BOOTSTRAP_ADMIN_TOKEN,
      adminTokenCreated,
      simulator: simulatorAccount,
      logger,
      stop: async () => {
        await stopAll();
        kill(); // whatever outran its budget
        releaseDogs();
      },
      kill,
    };
  } catch (err) {
    await stopAll();
    releaseDogs();
    throw err;
  }
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../api/app.js';
import { startBackgroundServices } from '../api/background.js';
import { bootstrap } from '../api/bootstrap.js';
import { listen } from '../api/server.js';
import { type Config, loadConfig } from '../config/env.js';
import { createDb } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { installTemporalRuntime } from '../lib/temporal-runtime.js';
import { startSimulator } from '../telesign/simulator/server.js';
import { connectClient, connectWorkerConnection } from '../temporal/connection.js';
import { createWorker } from '../worker/create-worker.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
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
};

export type LocalStack = {
  config: Config;
  apiUrl: string;
  temporalUiUrl: string | null;
  adminToken: string | undefined;
  logger: Logger;
  stop: () => Promise<void>;
};

function persistedSecret(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const env = { ...(opts.env ?? process.env) };
  const log = opts.log ?? ((m: string) => console.log(m));
  mkdirSync(opts.dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        console.error('error while stopping:', err);
      }
    }
    stops.length = 0;
  };

  try {
    env.ENCRYPTION_KEY ||= persistedSecret(join(opts.dataDir, 'encryption.key'), () =>
      randomBytes(32).toString('base64'),
    );
    env.BOOTSTRAP_ADMIN_TOKEN ||= persistedSecret(
      join(opts.dataDir, 'admin-token'),
      () => `sd_admin_${randomBytes(24).toString('base64url')}`,
    );

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
      stops.push(server.stop);
      env.TEMPORAL_ADDRESS = server.address;
      temporalUiUrl = server.uiUrl;
      if (temporalUiUrl) env.TEMPORAL_UI_URL ||= temporalUiUrl;
    } else {
      temporalUiUrl = env.TEMPORAL_UI_URL ?? null;
    }

    if (!env.DATABASE_URL) {
      const pg = await startEmbeddedPostgres({ dir: join(opts.dataDir, 'postgres'), port: opts.postgresPort ?? 54329 });
      stops.push(pg.stop);
      env.DATABASE_URL = pg.url;
    }

    // TeleSign simulator when no real TeleSign host is configured; the demo credentials persist with the data.
    let simulator: Awaited<ReturnType<typeof startSimulator>> | null = null;
    let demoCustomerId = '';
    if (!env.TELESIGN_BASE_URL) {
      simulator = await startSimulator({ port: Number(env.SIMULATOR_PORT ?? 4010), publicHost: '127.0.0.1' });
      stops.push(simulator.stop);
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
      log(
        `TeleSign simulator: ${simulator.url}/sim\n  demo customer ID ${demo.customerId}\n  demo API key     ${demo.apiKey}\n  demo numbers     ${demo.numbers.join(', ')}\n  Create a messaging account with these (restEndpoint ${simulator.url}), then set its callback URL on ${simulator.url}/sim.`,
      );
    }

    const config = loadConfig(env);
    const logger = createLogger(config.LOG_LEVEL);
    await runMigrations(config.DATABASE_URL);

    installTemporalRuntime();
    const dbHandle = createDb(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
    stops.push(dbHandle.close);
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
    stops.push(() => temporal.connection.close());

    const workerConnection = await connectWorkerConnection(config);
    stops.push(() => workerConnection.close());
    const worker: Worker = await createWorker({
      connection: workerConnection,
      config,
      deps: { db: dbHandle.db, config },
    });
    const running = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    const apiDeps = { config, db: dbHandle.db, sql: dbHandle.sql, temporal, logger };
    const background = await startBackgroundServices(apiDeps);
    stops.push(background.stop);
    const app = createApp(apiDeps);
    const server = await listen(app, config.PORT, config.HOST);
    stops.push(server.close);

    return {
      config,
      apiUrl: `http://localhost:${server.port}`,
      temporalUiUrl,
      adminToken: config.BOOTSTRAP_ADMIN_TOKEN,
      logger,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

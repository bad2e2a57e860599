import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { bootstrap } from '../../api/bootstrap.js';
import { createApp } from '../../app/create-app.js';
import { type Config, loadConfig } from '../../config/env.js';
import { createLogger } from '../../lib/logger.js';
import { installTemporalRuntime } from '../../lib/temporal-runtime.js';
import { createWorker } from '../../worker/create-worker.js';
import { createTestDb, type TestDb } from './db.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://unused/unused',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    // Each test file gets its own task queue so workers of parallel files never steal each other's tasks.
    TEMPORAL_TASK_QUEUE: `test-${randomBytes(5).toString('hex')}`,
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    BOOTSTRAP_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    PUBLIC_BASE_URL: 'http://smsdesk.test',
    // Test simulators listen on random local ports; egress tests override this with '' to prove the default list.
    TELESIGN_ALLOWED_HOSTS: 'http://127.0.0.1:*',
    ...overrides,
  });
}

export type TestStack = Awaited<ReturnType<typeof createTestStack>>;

/**
 * The real thing in one test process: a fresh migrated database, a Temporal client and worker on the run's dev
 * server (workflow bundle built once by globalSetup), and the Hono app (call it with `app.request`).
 */
export async function createTestStack(options: { worker?: boolean; env?: Record<string, string> } = {}) {
  installTemporalRuntime('ERROR');
  const db: TestDb = await createTestDb();
  const config = testConfig({ DATABASE_URL: db.url, ...options.env });
  const logger = createLogger(config.LOG_LEVEL);
  await bootstrap(db.db, config.BOOTSTRAP_ADMIN_TOKEN);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let nativeConnection: NativeConnection | undefined;
  if (options.worker !== false) {
    nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    worker = await createWorker({
      connection: nativeConnection,
      config,
      deps: { db: db.db, config },
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    running = worker.run();
  }
  const app = createApp({ config, db: db.db, sql: db.sql, temporal, logger });
  return {
    config,
    db,
    temporal,
    worker,
    app,
    adminHeaders: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    async close() {
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await nativeConnection?.close();
      await connection.close();
      await db.drop();
    },
  };
}

/** Polls `fn` until it returns a truthy value (integration tests wait on asynchronous workflow effects). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

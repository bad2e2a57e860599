import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import { type Activities, createActivities } from '../../activities/index.js';
import type { Config } from '../../config/env.js';
import { installTemporalRuntime } from '../../lib/temporal-runtime.js';
import { type Simulator, startSimulator } from '../../telesign/simulator/server.js';
import { SEARCH_ATTRIBUTES } from '../../temporal/search-attributes.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { ready } from '../support/ready.js';
import { seedChannel } from '../support/seed.js';
import { testConfig } from '../support/stack.js';
import { conversationDriver } from './support.js';

/**
 * A time-skipping test server with the search attributes the workflow upserts. Files with fake activities use it
 * alone; timeSkippingHarness adds Postgres, the simulator and a worker with the real activities.
 */
export async function createTimeSkippingEnv() {
  installTemporalRuntime('ERROR');
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('testServerPath') } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTES.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });
  return env;
}

type SeedOptions = Parameters<typeof seedChannel>[3];

export type TimeSkippingOptions = {
  taskQueue: string;
  /** Extra environment for the worker's activities' config, read when the worker starts (after earlier beforeAlls). */
  workerEnv?: () => Record<string, string>;
  /** Replaces or wraps activities (a test double for one of them); gets the real ones and their deps. */
  activities?: (real: Activities, deps: { db: TestDb; config: Config }) => Activities;
};

/**
 * Registers beforeAll/afterAll for a file whose workflows run on the time-skipping server against real activities,
 * Postgres and the TeleSign simulator. The fields are readable once the file's tests run.
 */
export function timeSkippingHarness(options: TimeSkippingOptions) {
  let env: TestWorkflowEnvironment | undefined;
  let db: TestDb | undefined;
  let sim: Simulator | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    db = await createTestDb();
    sim = await startSimulator();
    const config = testConfig({ DATABASE_URL: db.url, ...options.workerEnv?.() });
    const real = createActivities({ db: db.db, config });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: options.taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: options.activities ? options.activities(real, { db, config }) : real,
    });
    running = worker.run();
  });
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await env?.teardown();
    await sim?.stop();
    await db?.drop();
  });

  const harness = {
    taskQueue: options.taskQueue,
    get env() {
      return ready(env, 'timeSkippingHarness.env');
    },
    get db() {
      return ready(db, 'timeSkippingHarness.db');
    },
    get sim() {
      return ready(sim, 'timeSkippingHarness.sim');
    },
    /** Seeds a channel (agents, queue, workstream) and a driver whose workflows run on this file's task queue. */
    async setup(opts: SeedOptions = {}) {
      const { env, db, sim } = harness;
      const config = testConfig({ DATABASE_URL: db.url, TEMPORAL_TASK_QUEUE: options.taskQueue });
      const seed = await seedChannel(db.db, config, sim, opts);
      const d = conversationDriver({ temporal: env.client, db: db.db, config, sql: db.sql }, seed);
      return { seed, d, config };
    },
  };
  return harness;
}

export type TimeSkippingHarness = ReturnType<typeof timeSkippingHarness>;

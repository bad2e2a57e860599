import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { runMigrations } from '../db/migrate.js';
import { startEmbeddedPostgres } from '../dev/embedded-postgres.js';
import { provisionTools, ToolsError } from '../dev/provision-tools.js';
import { freePort, startTemporalDevServer } from '../dev/temporal-dev-server.js';
import { workflowsPath } from '../worker/create-worker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    testServerPath: string;
    temporalCliPath: string;
    pgAdminUrl: string;
    templateDatabase: string;
    workflowBundlePath: string;
  }
}

export const TEMPLATE_DATABASE = 'smsdesk_template';

export default async function setup(project: TestProject) {
  const cleanups: (() => Promise<void>)[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'smsdesk-test-'));
  // Postgres runs as the `postgres` OS user when we are root; it must be able to enter the directory.
  (await import('node:fs')).chmodSync(tmp, 0o755);
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  try {
    let tools: ReturnType<typeof provisionTools>;
    try {
      tools = provisionTools({ needTestServer: true });
    } catch (err) {
      if (err instanceof ToolsError)
        throw new Error(`Cannot run the tests without a Temporal server binary.\n${err.message}`);
      throw err;
    }
    if (!tools.testServer) throw new Error('No temporal-test-server binary found (set TEMPORAL_TEST_SERVER_PATH).');

    const [temporal, pg, bundle] = await Promise.all([
      startTemporalDevServer({ cli: tools.temporal, uiPort: null }),
      process.env.DATABASE_URL
        ? Promise.resolve(null)
        : freePort().then((port) => startEmbeddedPostgres({ dir: join(tmp, 'pg'), port, persistent: false })),
      bundleWorkflowCode({
        workflowsPath: workflowsPath(),
        logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
      }),
    ]);
    cleanups.push(temporal.stop);
    if (pg) cleanups.push(pg.stop);

    const adminUrl = pg?.adminUrl ?? process.env.DATABASE_URL!;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${TEMPLATE_DATABASE}`);
    await admin.unsafe(`create database ${TEMPLATE_DATABASE}`);
    await admin.end();
    const templateUrl = new URL(adminUrl);
    templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
    await runMigrations(templateUrl.toString());

    const bundlePath = join(tmp, 'workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);

    project.provide('temporalAddress', temporal.address);
    project.provide('temporalCliPath', tools.temporal);
    project.provide('testServerPath', tools.testServer);
    project.provide('pgAdminUrl', adminUrl);
    project.provide('templateDatabase', TEMPLATE_DATABASE);
    project.provide('workflowBundlePath', bundlePath);
  } catch (err) {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    throw err;
  }
  return async () => {
    for (const c of cleanups.reverse()) await c().catch((e) => console.error('teardown:', e));
  };
}

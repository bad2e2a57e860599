import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { installTemporalRuntime } from '../../lib/temporal-runtime.js';
import { inboundSignal } from '../../workflows/definitions.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { testConfig } from '../support/stack.js';

// The time-skipping server (Java test server from .tools) jumps over long timers; activities use real Postgres.
let env: TestWorkflowEnvironment;
let db: TestDb;
beforeAll(async () => {
  installTemporalRuntime('ERROR');
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('testServerPath') } },
  });
  db = await createTestDb();
});
afterAll(async () => {
  await env?.teardown();
  await db?.drop();
});

describe('conversation workflow timers (time-skipping)', () => {
  it('a conversation idle for 30 days completes in test time', async () => {
    const taskQueue = 'timers';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: createActivities({ db: db.db, config: testConfig({ DATABASE_URL: db.url }) }),
    });
    const started = Date.now();
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('conversationWorkflow', {
        taskQueue,
        workflowId: `conv-timer-${Date.now()}`,
        args: [{ accountId: crypto.randomUUID(), supportNumber: '4442', customerNumber: '15550001111' }],
      });
      await handle.signal(inboundSignal, {
        inboxId: crypto.randomUUID(),
        referenceId: 'REF-TIMER-1',
        text: 'hello',
        receivedAt: new Date().toISOString(),
      });
      const before = await env.currentTimeMs();
      await handle.result();
      const skipped = (await env.currentTimeMs()) - before;
      expect(skipped).toBeGreaterThanOrEqual(30 * 24 * 3600 * 1000 - 60_000);
    });
    expect(Date.now() - started).toBeLessThan(30_000);
    const rows = await db.sql`select text from messages where provider_reference_id = 'REF-TIMER-1'`;
    expect(rows).toHaveLength(1);
  });
});

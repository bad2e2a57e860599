import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Db } from '../../../db/client.js';
import { messages } from '../../../db/schema/index.js';
import type { TestStack } from '../../support/stack.js';
import type { StubActivities, StubInput } from './stub-workflow.js';

/** A real worker for the stub workflow on the run's Temporal server, on its own task queue. */
export async function startStubWorker(s: TestStack) {
  const taskQueue = `stub-${randomBytes(4).toString('hex')}`;
  const connection = await NativeConnection.connect({ address: s.config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: s.config.TEMPORAL_NAMESPACE,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./stub-workflow.ts', import.meta.url)),
    activities: stubActivities(s.db.db),
    bundlerOptions: { ignoreModules: [] },
  });
  const running = worker.run();
  return {
    taskQueue,
    /** Starts a stub run for a read-model row; returns the ids to store on the row. */
    async start(workflowId: string, input: StubInput) {
      const handle = await s.temporal.workflow.start('stubConversationWorkflow', {
        taskQueue,
        workflowId,
        args: [input],
      });
      return { workflowId, runId: handle.firstExecutionRunId };
    },
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

function stubActivities(db: Db): StubActivities {
  return {
    async writeMessage(input) {
      await db
        .insert(messages)
        .values({
          id: input.messageId,
          conversationId: input.conversationId,
          direction: input.direction,
          text: input.text,
          status: input.direction === 'note' ? 'sent' : 'queued',
          agentId: input.agentId,
        })
        .onConflictDoNothing();
    },
  };
}

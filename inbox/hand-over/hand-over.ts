import type { Client } from '@temporalio/client';
import { and, eq, sql } from 'drizzle-orm';
import type { Config } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import { inbox } from '../../db/schema/index.js';
import type { Logger } from '../../lib/logger.js';
import { metrics } from '../../lib/metrics.js';
import { conversationWorkflowId } from '../../temporal/ids.js';
import { CustomerNumberKey, SupportNumberKey } from '../../temporal/search-attributes.js';
import type { conversationWorkflow } from '../../workflows/conversation-workflow.js';
import { type ConversationInput, type InboundSms, inboundSignal } from '../../workflows/definitions.js';

export type MoHandOver = {
  inboxId: string;
  accountId: string;
  supportNumber: string;
  customerNumber: string;
  sms: InboundSms;
};

export type HandedOver = { inboxId: string; workflowId: string };

/** Marks inbox rows as handed to Temporal, in one statement. Rows no longer pending are left as they are. */
export async function markHandedOver(db: Db, items: HandedOver[]): Promise<void> {
  if (items.length === 0) return;
  const values = sql.join(
    items.map((i) => sql`(${i.inboxId}::uuid, ${i.workflowId})`),
    sql`, `,
  );
  await db.execute(sql`
    update inbox set status = 'delivered', delivered_at = now(), workflow_id = v.workflow_id,
                     attempts = inbox.attempts + 1
    from (values ${values}) as v(id, workflow_id)
    where inbox.id = v.id and inbox.status = 'pending'`);
}

/**
 * Signals the customer's conversation workflow, starting it if no run is open (signalWithStart), then marks the inbox
 * row handed over (through `mark`, which may batch). Safe to repeat: the workflow and the messages table both dedupe
 * on the TeleSign reference id.
 */
export async function handOverMo(
  deps: { temporal: Client; db: Db; config: Pick<Config, 'TEMPORAL_TASK_QUEUE'> },
  mo: MoHandOver,
  mark: (item: HandedOver) => Promise<void> = (item) => markHandedOver(deps.db, [item]),
): Promise<string> {
  const workflowId = conversationWorkflowId(mo.accountId, mo.supportNumber, mo.customerNumber);
  const input: ConversationInput = {
    accountId: mo.accountId,
    supportNumber: mo.supportNumber,
    customerNumber: mo.customerNumber,
  };
  await deps.temporal.workflow.signalWithStart<typeof conversationWorkflow, [InboundSms]>('conversationWorkflow', {
    workflowId,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    args: [input],
    signal: inboundSignal,
    signalArgs: [mo.sms],
    typedSearchAttributes: [
      { key: CustomerNumberKey, value: mo.customerNumber },
      { key: SupportNumberKey, value: mo.supportNumber },
    ],
  });
  await mark({ inboxId: mo.inboxId, workflowId });
  return workflowId;
}

export type HandOverDeps = {
  db: Db;
  temporal: Client;
  logger: Logger;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>;
};

export type HandOverPath = 'immediate' | 'relay';

/** How long one signalWithStart may take before we call Temporal unreachable. */
const HAND_OVER_TIMEOUT_MS = 5000;

/**
 * One hand-over attempt with bookkeeping. On failure the row stays pending with exponential backoff (1 s … 60 s,
 * jittered) for the relay. Never throws.
 */
export async function attemptHandOver(
  deps: HandOverDeps,
  mo: MoHandOver,
  path: HandOverPath,
  mark?: (item: HandedOver) => Promise<void>,
): Promise<boolean> {
  try {
    await deps.temporal.connection.withDeadline(Date.now() + HAND_OVER_TIMEOUT_MS, () => handOverMo(deps, mo, mark));
    metrics.inboxHandOvers.inc({ path, outcome: 'delivered' });
    return true;
  } catch (err) {
    metrics.inboxHandOvers.inc({ path, outcome: 'failed' });
    deps.logger.warn({ err, inboxId: mo.inboxId, path }, 'hand-over to Temporal failed; the inbox relay will retry');
    await deps.db
      .update(inbox)
      .set({
        attempts: sql`${inbox.attempts} + 1`,
        lastError: String((err as Error)?.message ?? err).slice(0, 500),
        nextAttemptAt: sql`now() + least(60, power(2, ${inbox.attempts})) * (0.75 + random() * 0.5) * interval '1 second'`,
      })
      .where(and(eq(inbox.id, mo.inboxId), eq(inbox.status, 'pending')))
      .catch((e) => deps.logger.error({ err: e, inboxId: mo.inboxId }, 'could not record the failed hand-over'));
    return false;
  }
}

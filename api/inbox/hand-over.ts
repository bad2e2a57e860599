import type { Client } from '@temporalio/client';
import { and, eq, sql } from 'drizzle-orm';
import type { Config } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import { inbox } from '../../db/schema/index.js';
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

/**
 * Signals the customer's conversation workflow, starting it if no run is open (signalWithStart). Safe to repeat:
 * the workflow and the messages table both dedupe on the TeleSign reference id.
 */
export async function handOverMo(
  deps: { temporal: Client; db: Db; config: Pick<Config, 'TEMPORAL_TASK_QUEUE'> },
  mo: MoHandOver,
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
  await deps.db
    .update(inbox)
    .set({ status: 'delivered', deliveredAt: sql`now()`, workflowId, attempts: sql`${inbox.attempts} + 1` })
    .where(and(eq(inbox.id, mo.inboxId), eq(inbox.status, 'pending')));
  return workflowId;
}

import { condition, proxyActivities, setHandler, uuid4, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { type ConversationInput, type InboundSms, inboundSignal } from './definitions.js';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Walking skeleton of the per-customer conversation: records each inbound SMS once; closes after 30 idle days. */
export async function conversationWorkflow(input: ConversationInput): Promise<void> {
  const conversationId = uuid4();
  const pending: InboundSms[] = [];
  const seen = new Set<string>();
  setHandler(inboundSignal, (sms) => {
    if (seen.has(sms.referenceId)) return;
    seen.add(sms.referenceId);
    pending.push(sms);
  });
  for (;;) {
    const got = await condition(() => pending.length > 0, '30 days');
    if (!got) return;
    const sms = pending.shift()!;
    await acts.recordInbound({
      conversationId,
      workflowId: workflowInfo().workflowId,
      runId: workflowInfo().runId,
      accountId: input.accountId,
      supportNumber: input.supportNumber,
      customerNumber: input.customerNumber,
      sms,
    });
  }
}

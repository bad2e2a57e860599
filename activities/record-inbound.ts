import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { conversations, messages } from '../db/schema/index.js';
import type { InboundSms } from '../workflows/definitions.js';

export type RecordInboundInput = {
  conversationId: string;
  workflowId: string;
  runId: string;
  accountId: string;
  supportNumber: string;
  customerNumber: string;
  sms: InboundSms;
};

/**
 * Writes the conversation read model (if new) and the customer's message. Idempotent: the message id is derived
 * from TeleSign's reference id, so a retried activity or a re-delivered inbox row writes nothing twice.
 */
export function recordInboundActivity(db: Db) {
  return async function recordInbound(input: RecordInboundInput): Promise<{ duplicate: boolean; messageId: string }> {
    const { sms } = input;
    return db.transaction(async (tx) => {
      await tx
        .insert(conversations)
        .values({
          id: input.conversationId,
          workflowId: input.workflowId,
          runId: input.runId,
          accountId: input.accountId,
          customerNumber: input.customerNumber,
          supportNumber: input.supportNumber,
          lastCustomerMessageAt: new Date(sms.receivedAt),
        })
        .onConflictDoUpdate({
          target: conversations.id,
          set: { lastCustomerMessageAt: new Date(sms.receivedAt), updatedAt: sql`now()`, runId: input.runId },
        });
      const inserted = await tx
        .insert(messages)
        .values({
          id: sql`gen_random_uuid()`,
          conversationId: input.conversationId,
          direction: 'inbound',
          text: sms.text,
          status: 'received',
          providerReferenceId: sms.referenceId,
          flags: sms.flags ?? {},
          createdAt: new Date(sms.receivedAt),
        })
        .onConflictDoNothing({ target: messages.providerReferenceId })
        .returning({ id: messages.id });
      if (inserted[0]) return { duplicate: false, messageId: inserted[0].id };
      const existing = await tx.query.messages.findFirst({
        where: (m, { eq }) => eq(m.providerReferenceId, sms.referenceId),
        columns: { id: true },
      });
      return { duplicate: true, messageId: existing?.id ?? '' };
    });
  };
}

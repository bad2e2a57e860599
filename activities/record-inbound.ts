import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { publishEvent } from '../db/publish-event.js';
import { conversations, messages } from '../db/schema/index.js';
import { analyzeSms } from '../domain/sms-segments.js';
import type { InboundSms } from '../workflows/definitions.js';

export type RecordInboundInput = {
  conversationId: string;
  workflowId: string;
  runId: string;
  accountId: string;
  supportNumber: string;
  customerNumber: string;
  sms: InboundSms;
  channel: { workstreamId: string; channelId: string; language: string } | null;
};

/**
 * Writes the customer's message and, for a new conversation, its read-model row. Idempotent: TeleSign's reference
 * id is unique across messages, so a retried activity, a re-delivered inbox row or a later run can never add the
 * message twice (`duplicate` tells the workflow to ignore it, and no empty conversation is created for it).
 */
export function recordInboundActivity(db: Db) {
  return async function recordInbound(input: RecordInboundInput): Promise<{ duplicate: boolean; messageId: string }> {
    const { sms } = input;
    const analysis = analyzeSms(sms.text);
    return db.transaction(async (tx) => {
      const [seen] = await tx
        .select({ id: messages.id })
        .from(messages)
        .where(eq(messages.providerReferenceId, sms.referenceId));
      if (seen) return { duplicate: true, messageId: seen.id };
      const receivedAt = new Date(sms.receivedAt);
      await tx
        .insert(conversations)
        .values({
          id: input.conversationId,
          workflowId: input.workflowId,
          runId: input.runId,
          accountId: input.accountId,
          customerNumber: input.customerNumber,
          supportNumber: input.supportNumber,
          lastCustomerMessageAt: receivedAt,
          ...(input.channel
            ? {
                workstreamId: input.channel.workstreamId,
                channelId: input.channel.channelId,
                language: input.channel.language,
              }
            : {}),
        })
        .onConflictDoUpdate({
          target: conversations.id,
          set: { lastCustomerMessageAt: receivedAt, updatedAt: sql`now()`, runId: input.runId },
        });
      const [inserted] = await tx
        .insert(messages)
        .values({
          id: sql`gen_random_uuid()`,
          conversationId: input.conversationId,
          direction: 'inbound',
          text: sms.text,
          status: 'received',
          providerReferenceId: sms.referenceId,
          segments: analysis.segments,
          encoding: analysis.encoding,
          flags: sms.flags ?? {},
          createdAt: receivedAt,
        })
        .returning({ id: messages.id });
      const [conv] = await tx
        .select({ agentId: conversations.agentId, offeredAgentId: conversations.offeredAgentId })
        .from(conversations)
        .where(eq(conversations.id, input.conversationId));
      await publishEvent(tx, {
        type: 'message.created',
        conversationId: input.conversationId,
        agentIds: [conv?.agentId, conv?.offeredAgentId].filter((x): x is string => !!x),
        data: { conversationId: input.conversationId, messageId: inserted!.id, direction: 'inbound' },
      });
      return { duplicate: false, messageId: inserted!.id };
    });
  };
}

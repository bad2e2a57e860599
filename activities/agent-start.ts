import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { conversations } from '../db/schema/index.js';

export type OpenAgentConversationInput = {
  conversationId: string;
  workflowId: string;
  runId: string;
  accountId: string;
  supportNumber: string;
  customerNumber: string;
  channel: { workstreamId: string; channelId: string; language: string };
};

/**
 * The read-model row of a conversation an agent starts (a customer's first text writes it in recordInbound).
 * Idempotent: a retry, or a conversation that already has its row, changes nothing but the run id it is known by.
 */
export function agentStartActivities(db: Db) {
  async function openAgentConversation(input: OpenAgentConversationInput): Promise<void> {
    await db
      .insert(conversations)
      .values({
        id: input.conversationId,
        workflowId: input.workflowId,
        runId: input.runId,
        accountId: input.accountId,
        customerNumber: input.customerNumber,
        supportNumber: input.supportNumber,
        workstreamId: input.channel.workstreamId,
        channelId: input.channel.channelId,
        language: input.channel.language,
      })
      .onConflictDoUpdate({ target: conversations.id, set: { updatedAt: sql`now()` } });
  }
  return { openAgentConversation };
}

import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { publishConversationEvent } from '../db/events.js';
import { conversations, offers } from '../db/schema/index.js';
import type { ConversationState, Resolution } from '../domain/conversation-machine.js';

export type ConversationPatch = {
  state?: ConversationState;
  resolution?: Resolution | null;
  agentId?: string | null;
  offeredAgentId?: string | null;
  offerExpiresInSeconds?: number | null;
  queueId?: string | null;
  workstreamId?: string | null;
  channelId?: string | null;
  language?: string;
  withBot?: boolean;
  runId?: string;
};

/**
 * Mirrors the workflow's state into the conversations read model and tells live clients. Setting absolute values
 * makes it idempotent under activity retries. `notify` lists agents who must hear about it besides the new owner
 * (e.g. the agent who just lost the conversation).
 */
export function readModelActivities(db: Db) {
  async function syncConversation(input: {
    conversationId: string;
    patch: ConversationPatch;
    notify?: string[];
  }): Promise<void> {
    const { patch } = input;
    await db.transaction(async (tx) => {
      const set: Record<string, unknown> = { updatedAt: sql`now()` };
      for (const key of [
        'state',
        'resolution',
        'agentId',
        'offeredAgentId',
        'queueId',
        'workstreamId',
        'channelId',
        'language',
        'withBot',
        'runId',
      ] as const) {
        if (patch[key] !== undefined) set[key] = patch[key];
      }
      if (patch.offerExpiresInSeconds !== undefined) {
        set.offerExpiresAt =
          patch.offerExpiresInSeconds === null
            ? null
            : sql`now() + make_interval(secs => ${patch.offerExpiresInSeconds})`;
      }
      if (patch.state === 'closed') set.closedAt = sql`coalesce(${conversations.closedAt}, now())`;
      else if (patch.state) set.closedAt = null;
      const [row] = await tx
        .update(conversations)
        .set(set)
        .where(eq(conversations.id, input.conversationId))
        .returning({
          agentId: conversations.agentId,
          offeredAgentId: conversations.offeredAgentId,
          state: conversations.state,
        });
      if (!row) return;
      await publishConversationEvent(tx, {
        type: 'conversation.updated',
        conversationId: input.conversationId,
        parties: row,
        also: input.notify,
        data: { conversationId: input.conversationId, state: row.state, agentId: row.agentId },
      });
    });
  }

  async function recordOffer(input: {
    offerId: string;
    conversationId: string;
    agentId: string;
    expiresInSeconds: number;
  }): Promise<void> {
    await db.transaction(async (tx) => {
      const inserted = await tx
        .insert(offers)
        .values({
          id: input.offerId,
          conversationId: input.conversationId,
          userId: input.agentId,
          expiresAt: sql`now() + make_interval(secs => ${input.expiresInSeconds})`,
        })
        .onConflictDoNothing()
        .returning({ id: offers.id });
      await tx
        .update(conversations)
        .set({
          offeredAgentId: input.agentId,
          offerExpiresAt: sql`now() + make_interval(secs => ${input.expiresInSeconds})`,
          updatedAt: sql`now()`,
        })
        .where(eq(conversations.id, input.conversationId));
      if (inserted.length) {
        await publishConversationEvent(tx, {
          type: 'conversation.offered',
          conversationId: input.conversationId,
          data: {
            conversationId: input.conversationId,
            agentId: input.agentId,
            expiresInSeconds: input.expiresInSeconds,
          },
        });
      }
    });
  }

  async function resolveOffer(input: {
    offerId: string;
    conversationId: string;
    outcome: 'accepted' | 'rejected' | 'timed_out' | 'withdrawn';
  }): Promise<void> {
    await db.transaction(async (tx) => {
      await tx
        .update(offers)
        .set({ outcome: input.outcome, respondedAt: sql`now()` })
        .where(sql`${offers.id} = ${input.offerId} and ${offers.outcome} = 'pending'`);
      // An accepted offer keeps its agent on the row until the sync that follows makes them the owner: clearing it
      // here left a moment in which the accepting agent could not see the conversation at all (a reload got 404).
      await tx
        .update(conversations)
        .set({
          ...(input.outcome === 'accepted' ? {} : { offeredAgentId: null }),
          offerExpiresAt: null,
          updatedAt: sql`now()`,
        })
        .where(eq(conversations.id, input.conversationId));
    });
  }

  return { syncConversation, recordOffer, resolveOffer };
}

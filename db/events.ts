import { eq, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { EVENTS_CHANNEL, type LiveEventType, publishEvent } from './publish-event.js';
import { conversations, events } from './schema/index.js';

type Executor = Pick<Db, 'insert' | 'execute' | 'select'>;

/** Who holds or is being offered a conversation: the agents its live events reach. */
export type ConversationParties = { agentId: string | null; offeredAgentId: string | null };

export type ConversationEvent = {
  type: LiveEventType;
  conversationId: string;
  data: Record<string, unknown>;
  /** The conversation's owner and offered agent when the caller already read them (saves a query). */
  parties?: ConversationParties;
  /** Agents who must hear of it besides those two: queue members on classification, the agent who just lost it. */
  also?: readonly (string | null | undefined)[];
};

/**
 * Who is told of a live event, decided here and nowhere else. Supervisors and admins see every event (the SSE hub
 * filters only agents); an agent sees the events of a conversation they own or are offered, whatever the kind, and
 * those the caller names in `also`. The conversation's row is read in the caller's transaction, so the audience is
 * the one committed with the change.
 */
export async function audienceOf(db: Executor, event: Omit<ConversationEvent, 'type' | 'data'>): Promise<string[]> {
  const parties =
    event.parties ??
    (
      await db
        .select({ agentId: conversations.agentId, offeredAgentId: conversations.offeredAgentId })
        .from(conversations)
        .where(eq(conversations.id, event.conversationId))
    )[0];
  const ids = [parties?.agentId, parties?.offeredAgentId, ...(event.also ?? [])];
  return [...new Set(ids.filter((x): x is string => !!x))];
}

/** Publishes one live event about a conversation to its audience (see audienceOf), in the caller's transaction. */
export async function publishConversationEvent(db: Executor, event: ConversationEvent): Promise<number> {
  return publishEvent(db, {
    type: event.type,
    conversationId: event.conversationId,
    agentIds: await audienceOf(db, event),
    data: event.data,
  });
}

/**
 * Many events of one kind about one conversation (a batch of recorded customer SMS): one INSERT and one NOTIFY
 * statement instead of a round trip per event. NOTIFY is delivered on commit, so listeners never see an event whose
 * row is not yet visible.
 */
export async function publishConversationEvents(
  db: Executor,
  type: LiveEventType,
  conversationId: string,
  datas: Record<string, unknown>[],
): Promise<void> {
  if (!datas.length) return;
  const agentIds = await audienceOf(db, { conversationId });
  const ids = await db
    .insert(events)
    .values(datas.map((data) => ({ type, conversationId, agentIds, data })))
    .returning({ id: events.id });
  await db.execute(
    sql`select pg_notify(${EVENTS_CHANNEL}, id) from unnest(string_to_array(${ids.map((i) => i.id).join(',')}, ',')) as id`,
  );
}

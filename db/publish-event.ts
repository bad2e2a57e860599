import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { events } from './schema/index.js';

export const EVENTS_CHANNEL = 'smsdesk_events';

export type LiveEventType =
  | 'conversation.offered'
  | 'conversation.updated'
  | 'conversation.sla'
  | 'message.created'
  | 'message.status';

export type LiveEvent = {
  type: LiveEventType;
  conversationId: string | null;
  /** Agents who may see it besides supervisors and admins (owner, offered agent). */
  agentIds: string[];
  data: Record<string, unknown>;
};

type Executor = Pick<Db, 'insert' | 'execute'>;

/**
 * Appends a live event and notifies every API replica in the same transaction (NOTIFY is delivered on commit), so
 * a listener never sees an id whose row is not yet visible. Pass a transaction to tie it to a read-model change.
 */
export async function publishEvent(db: Executor, event: LiveEvent): Promise<number> {
  const [row] = await db
    .insert(events)
    .values({ type: event.type, conversationId: event.conversationId, agentIds: event.agentIds, data: event.data })
    .returning({ id: events.id });
  await db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${String(row!.id)})`);
  return row!.id;
}

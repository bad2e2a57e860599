import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { AWAITING_SEND, type ReportedStatus } from '../../domain/message-status.js';
import type { MessageDirection, MessageStatus } from '../../domain/vocabulary.js';
import type { Db } from '../client.js';
import { conversations, messageStatusEvents, messages } from '../schema/index.js';

/**
 * Message persistence for the send path (activities/outbound.ts) and the delivery-report path (inbox/apply-dlr.ts):
 * the SQL lives here, the rules of which status may follow which in domain/message-status.ts.
 */

/** The pool or an open transaction. */
type Executor = Pick<Db, 'insert' | 'select' | 'update'>;

export type MessageRow = typeof messages.$inferSelect;

export async function findMessage(db: Pick<Db, 'query'>, messageId: string): Promise<MessageRow | undefined> {
  return db.query.messages.findFirst({ where: eq(messages.id, messageId) });
}

/** Writes a new outgoing message (or note) once: a repeated id inserts nothing and returns false. */
export async function insertOutgoing(
  db: Executor,
  m: {
    id: string;
    conversationId: string;
    direction: Exclude<MessageDirection, 'inbound'>;
    text: string;
    status: MessageStatus;
    segments: number;
    encoding: string;
    agentId: string | null;
  },
): Promise<boolean> {
  const inserted = await db
    .insert(messages)
    .values(m)
    .onConflictDoNothing({ target: messages.id })
    .returning({ id: messages.id });
  return inserted.length > 0;
}

/**
 * Moves a message still awaiting its send (AWAITING_SEND) to the send's outcome. Returns the new status, or undefined
 * when it had already moved on (a DLR, or an earlier attempt, got there first).
 */
export async function settleSend(
  db: Executor,
  messageId: string,
  patch: PgUpdateSetSource<typeof messages>,
): Promise<{ status: MessageStatus; code: number | null } | undefined> {
  const [row] = await db
    .update(messages)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(and(eq(messages.id, messageId), inArray(messages.status, AWAITING_SEND as MessageStatus[])))
    .returning({ status: messages.status, code: messages.providerStatusCode });
  return row;
}

/**
 * TeleSign accepted the send: moves a message awaiting it to `status` with TeleSign's answer, keeping a reference id a
 * fast DLR recorded first. Returns undefined when the message had moved on already (see settleSend).
 */
export async function settleAccepted(
  db: Executor,
  messageId: string,
  a: { status: ReportedStatus; statusCode: number; description: string; referenceId: string },
): Promise<{ status: MessageStatus; code: number | null } | undefined> {
  return settleSend(db, messageId, {
    status: a.status,
    providerStatusCode: a.statusCode,
    providerStatusText: a.description,
    providerReferenceId: sql`coalesce(${messages.providerReferenceId}, ${a.referenceId})`,
    error: null,
    sendOutcomeUnknown: false,
  });
}

/** Fills in TeleSign's reference id where no report or attempt has recorded one yet. */
export async function fillReferenceId(db: Executor, messageId: string, referenceId: string): Promise<void> {
  await db
    .update(messages)
    .set({ providerReferenceId: referenceId })
    .where(and(eq(messages.id, messageId), sql`${messages.providerReferenceId} is null`));
}

/** The durable "send attempt" record, written before calling TeleSign: a retry knows it must look before sending. */
export async function countSendAttempt(db: Executor, messageId: string): Promise<void> {
  await db
    .update(messages)
    .set({ attempts: sql`${messages.attempts} + 1`, sendOutcomeUnknown: true })
    .where(eq(messages.id, messageId));
}

/**
 * Notes a retryable send error; the status stays as it is. An HTTP answer (503, 429) is a refusal; a timeout or
 * network error leaves the outcome unknown, so the next attempt looks the message up before sending.
 */
export async function noteSendError(
  db: Executor,
  messageId: string,
  error: string,
  outcomeUnknown: boolean,
): Promise<void> {
  await db.update(messages).set({ error, sendOutcomeUnknown: outcomeUnknown }).where(eq(messages.id, messageId));
}

/** An outgoing message a delivery report is about, with what its live event and an opt-out need. */
export type ReportedMessage = {
  id: string;
  status: MessageStatus;
  providerReferenceId: string | null;
  conversationId: string;
  agentId: string | null;
  offeredAgentId: string | null;
  supportNumber: string;
  customerNumber: string;
};

/**
 * Finds (and locks, for the rest of the transaction) the outgoing message a delivery report is about: by our id
 * when the report carries it as external_id (so a report that overtakes the send's answer still lands), else by
 * TeleSign's reference id; only among this account's conversations.
 */
export async function lockReportedMessage(
  tx: Executor,
  accountId: string,
  by: { messageId?: string; referenceId: string },
): Promise<ReportedMessage | undefined> {
  const find = async (cond: ReturnType<typeof eq>) =>
    (
      await tx
        .select({
          id: messages.id,
          status: messages.status,
          providerReferenceId: messages.providerReferenceId,
          conversationId: messages.conversationId,
          agentId: conversations.agentId,
          offeredAgentId: conversations.offeredAgentId,
          supportNumber: conversations.supportNumber,
          customerNumber: conversations.customerNumber,
        })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(and(cond, eq(conversations.accountId, accountId), ne(messages.direction, 'inbound')))
        .for('update', { of: messages })
        .limit(1)
    )[0];
  return (
    (by.messageId ? await find(eq(messages.id, by.messageId)) : undefined) ??
    find(eq(messages.providerReferenceId, by.referenceId))
  );
}

/** Appends a report to the message's status history (kept whether or not it changes the status). */
export async function appendStatusEvent(
  tx: Executor,
  e: { messageId: string; statusCode: number; description: string | null; providerUpdatedAt: Date | null },
): Promise<void> {
  await tx.insert(messageStatusEvents).values(e);
}

/** Sets the status a report moved the message to, keeping the first reference id TeleSign gave it. */
export async function setReportedStatus(
  tx: Executor,
  m: Pick<ReportedMessage, 'id' | 'providerReferenceId'>,
  r: { status: ReportedStatus; statusCode: number; description: string | null; referenceId: string },
): Promise<void> {
  await tx
    .update(messages)
    .set({
      status: r.status,
      providerStatusCode: r.statusCode,
      providerStatusText: r.description,
      updatedAt: sql`now()`,
      ...(m.providerReferenceId ? {} : { providerReferenceId: r.referenceId }),
    })
    .where(eq(messages.id, m.id));
}

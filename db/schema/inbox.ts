import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { INBOX_KINDS } from '../../domain/vocabulary.js';

/**
 * The durable inbox: every callback TeleSign sent us that we answered 200, exactly as received. A row is committed
 * before the 200 and later handed over to Temporal (MO) or applied to the transcript (DLR); `dedupKey` makes
 * TeleSign's retries harmless.
 */

export const inboxKindEnum = pgEnum('inbox_kind', INBOX_KINDS);
export const inboxStatusEnum = pgEnum('inbox_status', [
  /** Waiting to be handed over (or retried by the relay). */
  'pending',
  /** Handed over: MO signalled into its workflow, DLR applied to its message. */
  'delivered',
  /** SMS channel switched off in settings: stored, visible to admins, starts nothing. */
  'held',
  /** MO to a number no channel serves. */
  'unroutable',
  /** Recorded and deliberately not processed (other sub_resources, DLR for an unknown message). */
  'ignored',
]);

export const inbox = pgTable(
  'inbox',
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid().notNull(),
    kind: inboxKindEnum().notNull(),
    /** mo:{ref} for MO, dlr:{ref}:{code} for delivery reports, other:{sha256(body)} otherwise. */
    dedupKey: text().notNull().unique(),
    referenceId: text(),
    subResource: text(),
    /** Null once the payload retention passed (the row and its dedup key stay longer: activities/retention.ts). */
    rawBody: text(),
    payload: jsonb().$type<Record<string, unknown>>(),
    status: inboxStatusEnum().notNull().default('pending'),
    /** e.g. { textOverLimit: true } for MO text over 1,600 characters (kept whole). */
    flags: jsonb().$type<Record<string, boolean>>().notNull().default({}),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastError: text(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp({ withTimezone: true }),
    /** Workflow the MO was handed to. */
    workflowId: text(),
    /**
     * Commit order: MOs of one conversation are handed over strictly in this order (inbox/hand-over/conversation-lane.ts)
     * and it travels in the signal as `inboxSeq`.
     */
    seq: bigint({ mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    /** The conversation (workflow id) an MO belongs to: the unit of ordering. Null for DLRs and other callbacks. */
    conversationKey: text(),
    /** Last time the sweeper handed this MO over again because no transcript row appeared. */
    sweptAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('inbox_pending_idx').on(t.status, t.nextAttemptAt),
    index('inbox_account_idx').on(t.accountId, t.receivedAt),
    uniqueIndex('inbox_seq_uq').on(t.seq),
    index('inbox_conversation_pending_idx').on(t.conversationKey, t.seq).where(sql`status = 'pending'`),
    index('inbox_delivered_mo_idx').on(t.deliveredAt).where(sql`kind = 'mo_sms' and status = 'delivered'`),
    index('inbox_received_idx').on(t.receivedAt),
  ],
);

/**
 * Who is handing one conversation's MOs over right now. A lease, not a held transaction: the holder signals Temporal
 * between statements without pinning a pool connection; a crashed holder's lease simply runs out.
 */
export const inboxLanes = pgTable('inbox_lanes', {
  conversationKey: text().primaryKey(),
  owner: text().notNull(),
  leasedUntil: timestamp({ withTimezone: true }).notNull(),
});

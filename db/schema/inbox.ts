import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The durable inbox: every callback TeleSign sent us that we answered 200, exactly as received. A row is committed
 * before the 200 and later handed over to Temporal (MO) or applied to the transcript (DLR); `dedupKey` makes
 * TeleSign's retries harmless.
 */

export const inboxKindEnum = pgEnum('inbox_kind', ['mo_sms', 'dlr', 'other']);
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
    rawBody: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
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
  },
  (t) => [
    index('inbox_pending_idx').on(t.status, t.nextAttemptAt),
    index('inbox_account_idx').on(t.accountId, t.receivedAt),
  ],
);

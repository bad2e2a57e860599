import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { queues, users } from './setup.js';

/** What the agent workspace keeps besides conversations: canned answers. */

/**
 * Quick replies (canned responses) that admins and supervisors manage: global (`queueId` null) or for one queue, for
 * every language (`language` null) or one. Placeholders ({CustomerName}, {AgentName}, {QueueName}) are filled in by
 * the composer when an agent inserts one.
 */
export const quickReplies = pgTable(
  'quick_replies',
  {
    id: uuid().primaryKey().defaultRandom(),
    title: text().notNull(),
    text: text().notNull(),
    queueId: uuid().references(() => queues.id, { onDelete: 'cascade' }),
    language: text(),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('quick_replies_queue_idx').on(t.queueId)],
);

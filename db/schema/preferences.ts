import { boolean, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './setup.js';

/** Each user's workspace settings, kept on the server so they follow the user to any browser. */
export const userPreferences = pgTable('user_preferences', {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** Play a sound when a conversation is offered. */
  offerSound: boolean().notNull().default(true),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

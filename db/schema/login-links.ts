import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './setup.js';

/**
 * One-time sign-in links (`GET /app/login/link?token=…`): the token is stored only as its SHA-256, is good for one
 * use and expires after minutes. Consuming one creates the user's normal browser session.
 */
export const loginLinks = pgTable(
  'login_links',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text().notNull().unique(),
    /** Where the browser lands after sign-in: '/app' or '/admin'. */
    next: text().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('login_links_user_idx').on(t.userId)],
);

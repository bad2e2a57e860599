import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './setup.js';

/**
 * Fixed-window counters shared by every API replica: one upsert per check (api/middleware/rate-limit.ts). Keys name
 * the limit and the subject (`auth-fail:ip:203.0.113.9`, `api:<userId>`); a row whose window has passed is reset by
 * the next hit and swept now and then.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text().primaryKey(),
    hits: integer().notNull(),
    resetAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('rate_limits_reset_idx').on(t.resetAt)],
);

/**
 * Browser sessions, server-side so sign-out ends them everywhere. The cookie carries a random id; only its SHA-256 is
 * stored. `tokenFingerprint` ties the session to the user's token: rotating the token ends its sessions.
 */
export const browserSessions = pgTable(
  'browser_sessions',
  {
    idHash: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenFingerprint: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('browser_sessions_user_idx').on(t.userId), index('browser_sessions_expires_idx').on(t.expiresAt)],
);

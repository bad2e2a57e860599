import { integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users, workstreams } from './setup.js';

/** Each customer's preferred agents (issue #16). */

/** Up to three agents per customer and workstream, tried in `rank` order before the queue's method. */
export const preferredAgents = pgTable(
  'preferred_agents',
  {
    customerNumber: text().notNull(),
    workstreamId: uuid()
      .notNull()
      .references(() => workstreams.id, { onDelete: 'cascade' }),
    rank: integer().notNull(),
    agentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.customerNumber, t.workstreamId, t.rank] })],
);

import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Closure, Holiday, WeeklyHours } from '../../domain/operating-hours.js';

/** Operating hours for queues and workstreams (issue #16). */

/** Weekly hours in one IANA time zone, holidays and one-off closures (domain/operating-hours.ts reads them). */
export const calendars = pgTable('calendars', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  timeZone: text().notNull(),
  weekly: jsonb().$type<WeeklyHours[]>().notNull().default([]),
  holidays: jsonb().$type<Holiday[]>().notNull().default([]),
  closures: jsonb().$type<Closure[]>().notNull().default([]),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

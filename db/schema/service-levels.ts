import {
  bigserial,
  boolean,
  index,
  integer,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { SLA_DEFAULT_WARNING_PERCENT } from '../../domain/sla.js';
import { queues } from './setup.js';

/** Service levels and satisfaction: per-queue targets, measured responses, and CSAT surveys (reports read these). */

/** A queue's SLA targets; no row (or a null target) means that clock is not measured against a target. */
export const slaPolicies = pgTable('sla_policies', {
  queueId: uuid()
    .primaryKey()
    .references(() => queues.id, { onDelete: 'cascade' }),
  firstResponseSeconds: integer(),
  nextResponseSeconds: integer(),
  resolutionSeconds: integer(),
  warningPercent: integer().notNull().default(SLA_DEFAULT_WARNING_PERCENT),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * One measured clock: a first or next response, or a resolution, with its target and whether it was breached. The
 * workflow's key (conversation, kind, start) makes a retried activity write it once.
 */
export const slaMeasurements = pgTable(
  'sla_measurements',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    conversationId: uuid().notNull(),
    queueId: uuid(),
    agentId: uuid(),
    kind: text().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    endedAt: timestamp({ withTimezone: true }).notNull(),
    seconds: real().notNull(),
    targetSeconds: integer(),
    breached: boolean().notNull(),
  },
  (t) => [
    uniqueIndex('sla_measurements_key_uq').on(t.conversationId, t.kind, t.startedAt),
    index('sla_measurements_queue_idx').on(t.queueId, t.endedAt),
    index('sla_measurements_agent_idx').on(t.agentId, t.endedAt),
  ],
);

/** A satisfaction survey sent after a resolved conversation, and the customer's rating once answered. */
export const csatSurveys = pgTable(
  'csat_surveys',
  {
    /** The workflow's id for the survey (deterministic uuid4): the idempotency key. */
    id: uuid().primaryKey(),
    conversationId: uuid().notNull(),
    channelId: uuid(),
    queueId: uuid(),
    agentId: uuid(),
    sentAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    rating: integer(),
    answer: text(),
    answeredAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('csat_surveys_conversation_idx').on(t.conversationId),
    index('csat_surveys_queue_idx').on(t.queueId, t.answeredAt),
    index('csat_surveys_agent_idx').on(t.agentId, t.answeredAt),
  ],
);

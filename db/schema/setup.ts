import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  ASSIGNMENT_METHODS,
  BOT_KINDS,
  DISTRIBUTION_MODES,
  NUMBER_TYPES,
  OUT_OF_HOURS_ACTIONS,
  type OverflowRule,
  PREFERRED_AGENT_FALLBACKS,
  PRESENCES,
  type Presence,
  ROLES,
  SKILL_MATCHINGS,
  VALIDATION_STATUSES,
} from '../../domain/vocabulary.js';
import { calendars } from './calendars.js';

/** Configuration an administrator sets up: people, accounts, numbers, workstreams, queues, rules, bots. */

const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();

export const roleEnum = pgEnum('role', ROLES);
export const presenceEnum = pgEnum('presence', PRESENCES);
export const validationStatusEnum = pgEnum('validation_status', VALIDATION_STATUSES);
export const numberTypeEnum = pgEnum('number_type', NUMBER_TYPES);
export const assignmentMethodEnum = pgEnum('assignment_method', ASSIGNMENT_METHODS);
export const distributionModeEnum = pgEnum('distribution_mode', DISTRIBUTION_MODES);
export const botKindEnum = pgEnum('bot_kind', BOT_KINDS);
export const skillMatchingEnum = pgEnum('skill_matching', SKILL_MATCHINGS);
export const outOfHoursActionEnum = pgEnum('out_of_hours_action', OUT_OF_HOURS_ACTIONS);
export const preferredAgentFallbackEnum = pgEnum('preferred_agent_fallback', PREFERRED_AGENT_FALLBACKS);

/** Agents, supervisors and admins. The bearer token is stored only as its SHA-256. */
export const users = pgTable('users', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  email: text().unique(),
  role: roleEnum().notNull(),
  tokenHash: text().notNull().unique(),
  /** The admin that BOOTSTRAP_ADMIN_TOKEN stands for: a new value of the variable replaces this user's token. */
  bootstrap: boolean().notNull().default(false),
  /** Total capacity units; `capacityUsed` is changed only together with capacity_reservations rows. */
  capacity: integer().notNull().default(10),
  capacityUsed: integer().notNull().default(0),
  skills: jsonb().$type<string[]>().notNull().default([]),
  presence: presenceEnum().notNull().default('offline'),
  /** Disabled instead of deleted (history keeps the name): cannot sign in, gets no work. */
  disabled: boolean().notNull().default(false),
  presenceChangedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  /** Round robin picks the agent assigned longest ago; least active the one released longest ago. */
  lastAssignedAt: timestamp({ withTimezone: true }),
  lastReleasedAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const presenceHistory = pgTable(
  'presence_history',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    presence: presenceEnum().notNull(),
    source: text().notNull(),
    at: createdAt(),
  },
  (t) => [index('presence_history_user_idx').on(t.userId, t.at)],
);

/** Organization-wide settings; exactly one row (id = 1). */
export const settings = pgTable(
  'settings',
  {
    id: integer().primaryKey().default(1),
    smsEnabled: boolean().notNull().default(true),
    /** D365 msdyn_number_of_declines_allowed: after this many declines an agent is not offered the item again. */
    declinesAllowed: integer().notNull().default(3),
    updatedAt: updatedAt(),
  },
  (t) => [check('settings_singleton', sql`${t.id} = 1`)],
);

export const messagingAccounts = pgTable('messaging_accounts', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  provider: text().notNull().default('telesign'),
  customerId: text().notNull(),
  /** AES-256-GCM envelope "v1.<keyId>.<iv>.<tag>.<ciphertext>" (base64url parts); never returned by the API. */
  apiKeyCiphertext: text().notNull(),
  apiKeyHint: text().notNull(),
  restEndpoint: text(),
  enabled: boolean().notNull().default(true),
  validationStatus: validationStatusEnum().notNull().default('unvalidated'),
  validationReason: text(),
  validationCheckedAt: timestamp({ withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const phoneNumbers = pgTable('phone_numbers', {
  id: uuid().primaryKey().defaultRandom(),
  accountId: uuid()
    .notNull()
    .references(() => messagingAccounts.id, { onDelete: 'cascade' }),
  number: text().notNull().unique(),
  type: numberTypeEnum().notNull(),
  description: text(),
  createdAt: createdAt(),
});

export const queues = pgTable('queues', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  assignmentMethod: assignmentMethodEnum().notNull().default('highest_capacity'),
  /** Smaller number wins, as in D365. */
  priority: integer().notNull().default(100),
  /** Operating hours (calendars.id; none = open around the clock); a queue's calendar wins over its workstream's. */
  calendarId: uuid().references(() => calendars.id),
  /** Overflow thresholds and action (issue #16); null = none. */
  overflow: jsonb().$type<OverflowRule>(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const queueMembers = pgTable(
  'queue_members',
  {
    queueId: uuid()
      .notNull()
      .references(() => queues.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.queueId, t.userId] }), index('queue_members_user_idx').on(t.userId)],
);

export type BuiltinBotConfig = {
  greeting?: string;
  answers: { keywords: string[]; reply: string }[];
  escalationPhrases: string[];
  fallbackReply?: string;
};
export type WebhookBotConfig = { url: string; timeoutMs: number };

export const bots = pgTable('bots', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  kind: botKindEnum().notNull(),
  config: jsonb().$type<BuiltinBotConfig | WebhookBotConfig>().notNull(),
  /** Webhook bots: shared secret for signing requests, encrypted like API keys. */
  secretCiphertext: text(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const workstreams = pgTable('workstreams', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  distributionMode: distributionModeEnum().notNull().default('push'),
  capacityUnits: integer().notNull().default(1),
  defaultQueueId: uuid()
    .notNull()
    .references(() => queues.id),
  offerTimeoutSeconds: integer().notNull().default(60),
  autoAccept: boolean().notNull().default(false),
  keepSameAgent: boolean().notNull().default(true),
  blockCapacityForWrapUp: boolean().notNull().default(false),
  wrapUpMinutes: integer().notNull().default(1440),
  autoCloseAfterInactivityMinutes: integer().notNull().default(1440),
  reopenWindowMinutes: integer().notNull().default(1440),
  /** Open and Active conversations close after this long without activity (D365 SMS: 30 days). */
  openTimeoutMinutes: integer().notNull().default(43200),
  allowedPresences: jsonb().$type<Presence[]>().notNull().default(['available', 'busy']),
  skillMatching: skillMatchingEnum().notNull().default('exact'),
  botId: uuid().references(() => bots.id, { onDelete: 'set null' }),
  /** Operating hours of the workstream's queues that have none of their own. */
  calendarId: uuid().references(() => calendars.id),
  /** Outside hours: the conversation waits for the opening, or closes after the out_of_hours message. */
  outOfHoursAction: outOfHoursActionEnum().notNull().default('wait'),
  preferredAgentFallback: preferredAgentFallbackEnum().notNull().default('queue'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type AutomatedMessageOverrides = Partial<Record<string, string>>;

/** "Add SMS channel": one number bound to one workstream. */
export const smsChannels = pgTable('sms_channels', {
  id: uuid().primaryKey().defaultRandom(),
  workstreamId: uuid()
    .notNull()
    .references(() => workstreams.id, { onDelete: 'cascade' }),
  phoneNumberId: uuid()
    .notNull()
    .unique()
    .references(() => phoneNumbers.id, { onDelete: 'cascade' }),
  language: text().notNull().default('en'),
  attachments: jsonb()
    .$type<{ customersCanSend: boolean; agentsCanSend: boolean }>()
    .notNull()
    .default({ customersCanSend: false, agentsCanSend: false }),
  automatedMessages: jsonb().$type<AutomatedMessageOverrides>().notNull().default({}),
  /** CSAT over SMS: a survey after each resolved conversation; replies within the window are ratings. */
  csatEnabled: boolean().notNull().default(false),
  csatWindowMinutes: integer().notNull().default(1440),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type RoutingCondition = { field: string; operator: string; value: string };

export const routingRules = pgTable(
  'routing_rules',
  {
    id: uuid().primaryKey().defaultRandom(),
    workstreamId: uuid()
      .notNull()
      .references(() => workstreams.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    order: integer().notNull(),
    conditions: jsonb().$type<RoutingCondition[]>().notNull(),
    queueId: uuid()
      .notNull()
      .references(() => queues.id),
    priority: integer(),
    skills: jsonb().$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('routing_rules_order_uq').on(t.workstreamId, t.order)],
);

/** Customers known by number (digits with country code), with tags usable in routing rules. */
export const customers = pgTable(
  'customers',
  {
    number: text().primaryKey(),
    name: text(),
    tags: jsonb().$type<string[]>().notNull().default([]),
    /** Preferred language (BCP 47, e.g. `bg`); null: the channel's language. */
    language: text(),
    /** Agents' notes about the customer (never sent). */
    notes: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Tag search (`tags @> '["vip"]'`) and the routing rules' customer.tag read the same column.
    index('customers_tags_idx').using('gin', t.tags.op('jsonb_path_ops')),
  ],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    actorId: uuid(),
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    at: createdAt(),
  },
  (t) => [index('audit_log_target_idx').on(t.targetType, t.targetId)],
);

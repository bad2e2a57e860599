/**
 * The shared names of the product, written once. The drizzle enums (db/schema) are built from these arrays, and the
 * workflow, API, web client and tests import the types from here: no I/O, safe in workflow code.
 */

export const CONVERSATION_STATES = ['open', 'active', 'waiting', 'wrap_up', 'closed'] as const;
export type ConversationState = (typeof CONVERSATION_STATES)[number];

export const RESOLUTIONS = ['resolved', 'auto_closed', 'force_closed'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const MESSAGE_DIRECTIONS = ['inbound', 'outbound', 'automated', 'bot', 'note'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

export const MESSAGE_STATUSES = ['received', 'queued', 'sent', 'delivered', 'failed', 'blocked'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const OFFER_OUTCOMES = ['pending', 'accepted', 'rejected', 'timed_out', 'withdrawn'] as const;
export type OfferOutcome = (typeof OFFER_OUTCOMES)[number];

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PRESENCES = ['available', 'busy', 'busy_dnd', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

/** Outside operating hours a conversation waits for the opening, or is closed after the out_of_hours message. */
export const OUT_OF_HOURS_ACTIONS = ['wait', 'close'] as const;
export type OutOfHoursAction = (typeof OUT_OF_HOURS_ACTIONS)[number];

/** No preferred agent could take it: distribute by the queue's method, or wait for a preferred agent. */
export const PREFERRED_AGENT_FALLBACKS = ['queue', 'wait'] as const;
export type PreferredAgentFallback = (typeof PREFERRED_AGENT_FALLBACKS)[number];
export const MAX_PREFERRED_AGENTS = 3;

/** What queue overflow does: move to another queue, send overflow_end and close, or keep waiting with a message. */
export const OVERFLOW_ACTIONS = ['transfer', 'end', 'wait_message'] as const;
export type OverflowAction = (typeof OVERFLOW_ACTIONS)[number];
/** Per queue: thresholds on waiting work items and on wait time (from the customer's last unanswered message). */
export type OverflowRule = {
  maxWaiting?: number | null | undefined;
  maxWaitMinutes?: number | null | undefined;
  action: OverflowAction;
  /** `transfer` only. */
  targetQueueId?: string | null | undefined;
  /** `wait_message` only: what the customer is told (a default when absent). */
  message?: string | null | undefined;
};

// ---- setup (db/schema/setup.ts) -----------------------------------------------------------------------------------

export const VALIDATION_STATUSES = ['unvalidated', 'valid', 'invalid'] as const;
export type ValidationStatus = (typeof VALIDATION_STATUSES)[number];

export const NUMBER_TYPES = ['geo', 'short_code', 'toll_free'] as const;
export type NumberType = (typeof NUMBER_TYPES)[number];

export const ASSIGNMENT_METHODS = ['highest_capacity', 'round_robin', 'least_active'] as const;
export type AssignmentMethod = (typeof ASSIGNMENT_METHODS)[number];

export const DISTRIBUTION_MODES = ['push', 'pick'] as const;
export type DistributionMode = (typeof DISTRIBUTION_MODES)[number];

export const BOT_KINDS = ['builtin', 'webhook'] as const;
export type BotKind = (typeof BOT_KINDS)[number];

export const SKILL_MATCHINGS = ['exact', 'none'] as const;
export type SkillMatching = (typeof SKILL_MATCHINGS)[number];

// ---- inbox (db/schema/inbox.ts) -----------------------------------------------------------------------------------

/** What a stored callback is: an inbound SMS, a delivery report, or anything else TeleSign sent. */
export const INBOX_KINDS = ['mo_sms', 'dlr', 'other'] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

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

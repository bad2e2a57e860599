import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ConversationContext } from '../activities/conversation-context.js';
import type { Actor, MachineData } from '../domain/conversation-machine.js';
import type { ConversationState } from '../domain/vocabulary.js';
import type { ServiceState } from './conversation/conversation-service-levels.js';
import type { TimerDeadlines } from './named-timers.js';

/**
 * The messages the API exchanges with a conversation workflow. Importing this file is safe outside the workflow
 * sandbox (definitions are plain objects), so the API and tests use the same names and argument types.
 */

// The shared names, re-exported for code that imports them from here.
export type { ConversationState, Resolution, Role } from '../domain/vocabulary.js';
export type { Actor };

/** Input of a run. `carried` is set only by continue-as-new. */
export type ConversationInput = {
  accountId: string;
  supportNumber: string;
  customerNumber: string;
  carried?: CarriedState;
  /** Continue-as-new once history passes this many events even if the server has not suggested it (default 2,000). */
  historyLimit?: number;
};

/** One customer SMS, as handed over from the durable inbox. `referenceId` is TeleSign's MO id, the dedup key. */
export type InboundSms = {
  inboxId: string;
  referenceId: string;
  text: string;
  receivedAt: string;
  /** The inbox row's sequence: the order TeleSign's callbacks were committed in (per conversation). */
  inboxSeq?: number;
  flags?: Record<string, boolean>;
  /** TeleSign keyword handling, when enabled on the account: 'stop' | 'start' | 'help' | 'generic'. */
  action?: string;
  /** Media the callback pointed at (MMS); an activity fetches each into storage. */
  media?: { url: string; contentType?: string }[];
  /** A file the customer uploaded through an upload link (already stored; `referenceId` is upload:{id}). */
  attachment?: { id: string };
};

/** A message waiting to be sent, in order: its row is already written as queued. */
export type OutboxJob = { messageId: string; bypassOptOut: boolean };

/** Where a message sits in the customer's inbox order: the inbox sequence when known, else TeleSign's time. */
export type InboxPosition = { seq?: number; at: string };

/** Everything continue-as-new carries into the next run. */
export type CarriedState = {
  conversationId: string;
  machine: MachineData;
  context: ConversationContext | null;
  contextLoaded: boolean;
  seen: string[];
  inbound: InboundSms[];
  outbox: OutboxJob[];
  botVariables: Record<string, string>;
  skills: string[];
  /** Next fallback distribution delay while nobody is eligible. */
  redistributeMs: number;
  /** Timer deadlines (workflow time), so a continued run resumes them. Absent in runs carried by older code. */
  timers?: TimerDeadlines;
  /** The STOP/START that set the current consent: an older one delivered later must not undo it. */
  consentFrom?: InboxPosition;
  /** Operating rules (hours, overflow, preferred agents), set once a run routes with them (conversation-operating-rules.ts). */
  operating?: OperatingState;
  /** Automated-message triggers, SLA clocks and the CSAT survey (conversation-service-levels.ts). */
  service?: ServiceState;
};

export type OperatingState = {
  /** The routing rule's priority, kept for re-admission (else the queue's applies). */
  rulePriority: number | null;
  /** Outside operating hours: not distributed until the `hours` timer (the next opening) fires. */
  held: boolean;
  /** The closed period (its next opening) the out_of_hours message was sent for: once per closed period. */
  outOfHoursNotified?: string | undefined;
  /** When the current wait began (workflow time): the routed customer text, or the opening after it. */
  waitFrom?: string | undefined;
  preferredAgentIds: string[];
  preferredAgentFallback: 'queue' | 'wait';
};

/** What the `state` query answers: the machine's data plus the run's pending work and which timers are armed. */
export type ConversationStateView = { conversationId: string } & MachineData & {
    skills: string[];
    pendingInbound: number;
    outbox: number;
    botVariables: Record<string, string>;
    timers: { state: boolean; offer: boolean; redistribute: boolean };
  };

export type UpdateAck = { conversationId: string; state: ConversationState };
export type SendAck = UpdateAck & { messageId: string };

export const inboundSignal = defineSignal<[InboundSms]>('inbound');
/** Capacity or presence changed for an agent of this conversation's queue: try distribution again. */
export const agentsAvailableSignal = defineSignal<[]>('agentsAvailable');

export const acceptUpdate = defineUpdate<UpdateAck, [Actor]>('accept');
export const rejectUpdate = defineUpdate<UpdateAck, [Actor]>('reject');
export const pickUpdate = defineUpdate<UpdateAck, [Actor]>('pick');
export const sendUpdate = defineUpdate<SendAck, [Actor, { text: string }]>('send');
export const waitUpdate = defineUpdate<UpdateAck, [Actor]>('wait');
export const endUpdate = defineUpdate<UpdateAck, [Actor]>('end');
export const closeUpdate = defineUpdate<UpdateAck, [Actor]>('close');
export const transferUpdate = defineUpdate<UpdateAck, [Actor, { queueId?: string; agentId?: string }]>('transfer');
export const assignUpdate = defineUpdate<UpdateAck, [Actor, { agentId: string }]>('assign');
export const forceCloseUpdate = defineUpdate<UpdateAck, [Actor]>('forceClose');
export const noteUpdate = defineUpdate<SendAck, [Actor, { text: string }]>('note');
/**
 * An agent texts the customer first (POST /conversations): starts or joins the conversation, assigns it to the agent
 * in `queueId` (a queue of the channel the agent belongs to, checked by the API) and queues `text` on the send path.
 */
export type AgentStart = { text: string; queueId: string };
export const startByAgentUpdate = defineUpdate<SendAck, [Actor, AgentStart]>('startByAgent');

export const stateQuery = defineQuery<ConversationStateView>('state');

/**
 * ApplicationFailure types thrown by update validators and handlers; the API maps each to an HTTP status
 * (see api/workflow-errors.ts). `details[0]` carries { state } or { detail } for the problem body.
 */
export const FailureTypes = {
  /** The action is not allowed in the current state → 409 naming the state. */
  InvalidTransition: 'InvalidTransition',
  /** The caller is not the assigned/offered agent → 403. */
  NotYours: 'NotYours',
  /** The customer opted out → 409 with detail "opted_out". */
  OptedOut: 'OptedOut',
  /** Bad input the API did not catch (e.g. text too long) → 422. */
  Invalid: 'Invalid',
  /** Unknown agent/queue in transfer or assign → 404. */
  NotFound: 'NotFound',
  /** TeleSign refused the message for good: not retried. */
  FinalSendError: 'FinalSendError',
  /** A webhook bot's secret cannot be decrypted (e.g. stored under a retired key): not retried, the bot is skipped. */
  BotSecretUnreadable: 'BotSecretUnreadable',
} as const;

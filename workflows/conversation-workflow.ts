import type { UpdateDefinition } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConversationContext } from '../activities/conversation-context.js';
import type { Activities } from '../activities/index.js';
import type { ConversationPatch } from '../activities/read-model.js';
import type { RecordedInbound } from '../activities/record-inbound.js';
import type { AutomatedTrigger } from '../domain/automated-messages.js';
import { ConversationMachine, type MachineData, TextError, TransitionError } from '../domain/conversation-machine.js';
import { classifyKeyword } from '../domain/keywords.js';
import { AgentIdKey, ConversationStateKey, QueueIdKey } from '../temporal/search-attributes.js';
import {
  type Actor,
  acceptUpdate,
  agentsAvailableSignal,
  assignUpdate,
  type ConversationInput,
  closeUpdate,
  endUpdate,
  FailureTypes,
  forceCloseUpdate,
  type InboundSms,
  inboundSignal,
  noteUpdate,
  pickUpdate,
  rejectUpdate,
  type SendAck,
  sendUpdate,
  stateQuery,
  transferUpdate,
  type UpdateAck,
  waitUpdate,
} from './definitions.js';
import { Lock } from './lock.js';
import { NamedTimers, type TimerDeadlines } from './named-timers.js';

/*
 * One run is one conversation between a customer number and a support number. The run owns the conversation's
 * state (ConversationMachine) and timers; activities do all I/O. Versioning rule: any change to the order or kind
 * of commands this code issues must be guarded with patched('<change-id>') so running histories still replay.
 */

// Read-model and routing activities: retried until Postgres answers.
const remoteDb = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
/**
 * The same short Postgres calls as local activities: they run inside the workflow task, so each costs one marker
 * event instead of a schedule → task → completion round trip through the server (the largest share of the CPU a
 * conversation costs, docs/performance.md). Past the threshold, retries back off on durable timers.
 */
const localDb = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
// TeleSign sends: bounded retries with backoff; final TeleSign errors and opt-outs are not retried.
const sms = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [FailureTypes.FinalSendError, FailureTypes.OptedOut, FailureTypes.Invalid],
  },
});
const bots = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 3 } });
/**
 * A webhook bot's turn is bounded by its own answer deadline plus a margin (at most 30 s): a bot that hangs is
 * given up on, and the conversation escalated, within seconds rather than minutes.
 */
const botsWithin = (timeoutMs: number | undefined) =>
  timeoutMs === undefined
    ? bots
    : proxyActivities<Activities>({
        startToCloseTimeout: Math.min(Math.max(timeoutMs, 1000) + 3000, 30_000),
        retry: { maximumAttempts: 3 },
      });

const MINUTE = 60_000;
const BOT_INACTIVITY_MS = 30 * MINUTE;
/**
 * D365 runs an assignment cycle every 5 minutes. Ours is only the fallback behind presence/capacity signals, so it
 * backs off (5 min doubling to 1 h): a conversation parked for days does not wake thousands of times.
 */
const REDISTRIBUTE_FIRST_MS = 5 * MINUTE;
const REDISTRIBUTE_MAX_MS = 60 * MINUTE;
const MAX_SEEN_REFERENCES = 1000;
/**
 * Work one workflow task takes on: at most this many inbound messages (one bulk write), of which at most this many
 * keywords (each may cost two more local activities). The server fails a task once more than 100 signals are
 * buffered behind it (history.maximumBufferedEventsBatch), so a task must stay short under a flood.
 */
const MAX_INBOUND_PER_TASK = 100;
const MAX_KEYWORDS_PER_TASK = 10;
/** Keeps replay of a long-lived conversation cheap; the server's own suggestion comes much later (~10k events). */
const DEFAULT_HISTORY_LIMIT = 2000;

type OutboxJob = { messageId: string; bypassOptOut: boolean };

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
};

/** Where a message sits in the customer's inbox order: the inbox sequence when known, else TeleSign's time. */
type InboxPosition = { seq?: number; at: string };

const positionOf = (message: InboundSms): InboxPosition =>
  message.inboxSeq !== undefined ? { seq: message.inboxSeq, at: message.receivedAt } : { at: message.receivedAt };

/** Negative when `a` comes first in the inbox. Compares sequences when both have one, else TeleSign's timestamps. */
const compareInbox = (a: InboxPosition, b: InboxPosition): number => {
  if (a.seq !== undefined && b.seq !== undefined) return a.seq - b.seq;
  const ta = Date.parse(a.at);
  const tb = Date.parse(b.at);
  return Number.isNaN(ta) || Number.isNaN(tb) ? 0 : ta - tb;
};

/** Inbox order for a list: by sequence if every message has one, else by timestamp; ties keep arrival order. */
const sortInInboxOrder = (list: InboundSms[]): void => {
  const bySeq = list.every((x) => x.inboxSeq !== undefined);
  list.sort((a, b) => (bySeq ? a.inboxSeq! - b.inboxSeq! : compareInbox({ at: a.receivedAt }, { at: b.receivedAt })));
};

const keywordOf = (message: InboundSms): 'stop' | 'start' | 'help' | null =>
  classifyKeyword(message.text) ??
  (['stop', 'start', 'help'].includes(message.action ?? '') ? (message.action as 'stop' | 'start' | 'help') : null);

/** Why a bot turn failed, for the escalation reason and the transcript note. */
const botFailureReason = (err: unknown): string => {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type === FailureTypes.BotSecretUnreadable) {
    return 'the bot’s secret cannot be decrypted';
  }
  if (cause && (cause as Error).name === 'TimeoutFailure') return 'the bot did not answer in time';
  return `the bot failed (${cause instanceof Error ? cause.message : String(cause)})`;
};

export async function conversationWorkflow(input: ConversationInput): Promise<void> {
  // Versioned change: runs that started with regular activities keep them on replay (their histories say so).
  const db = patched('local-db-activities') ? localDb : remoteDb;
  /*
   * Versioned change (#20): inbound messages are recorded in bulk, at most MAX_INBOUND_PER_TASK per workflow task,
   * in inbox order, and a reference counts as seen only once it is recorded. Older histories keep the per-message
   * path below (recordInbound per message, seen on delivery).
   */
  const batched = patched('inbound-batch');
  const carried = input.carried as CarriedState | undefined;
  const c: CarriedState = carried ?? {
    conversationId: uuid4(),
    machine: new ConversationMachine().snapshot(),
    context: null,
    contextLoaded: false,
    seen: [],
    inbound: [],
    outbox: [],
    botVariables: {},
    skills: [],
    redistributeMs: REDISTRIBUTE_FIRST_MS,
  };
  const m = new ConversationMachine(c.machine);
  const timers = new NamedTimers();
  const lock = new Lock();
  /** With `batched`: references recorded in the transcript (dedupe follows durable recording, not delivery). */
  const seen = new Set(c.seen);
  /** With `batched`: references delivered and waiting in c.inbound, not yet recorded. */
  const queued = new Set(c.inbound.map((x) => x.referenceId));
  /**
   * Which reference each recorded message id belongs to, in this run. A local-activity result is matched to its
   * call by sequence number only; if a result ever lands on another message's call, the same message id shows up
   * for two references and the task fails loudly (and is retried) instead of dropping a message silently.
   */
  const attributed = new Map<string, string>();
  const attribute = (messageId: string, referenceId: string) => {
    const prior = attributed.get(messageId);
    if (prior !== undefined && prior !== referenceId) {
      throw new Error(
        `inbound recording misattributed: message ${messageId} was recorded for ${prior}, now reported for ${referenceId}`,
      );
    }
    attributed.set(messageId, referenceId);
  };
  /** While a batch is applied, read-model syncs and the state timer are coalesced into one at its end. */
  let deferred: { dirty: boolean; notify: Set<string>; arm: boolean } | null = null;
  let nudged = false;
  let redistribute = false;
  /** Decliners are skipped right after a decline; the next nudge or tick may offer to them again (below the limit). */
  let skipDecliners = false;
  let sending = false;
  let complete = false;
  const { workflowId } = workflowInfo();
  const ctx = () => c.context;
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit;

  // ---------- helpers ----------

  const toFailure = (err: unknown): unknown => {
    if (err instanceof TransitionError) {
      return ApplicationFailure.create({
        type: FailureTypes[err.kind],
        message: err.message,
        details: [{ state: err.state }],
        nonRetryable: true,
      });
    }
    if (err instanceof TextError) {
      return ApplicationFailure.create({
        type: FailureTypes.Invalid,
        message: err.message,
        details: [{ field: 'text' }],
      });
    }
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type) {
      return ApplicationFailure.create({
        type: err.cause.type,
        message: err.cause.message,
        details: err.cause.details ?? undefined,
      });
    }
    return err;
  };
  const guard = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      throw toFailure(err);
    }
  };
  const ack = (): UpdateAck => ({ conversationId: c.conversationId, state: m.state });

  let lastAttributes = '';
  const upsertAttributes = () => {
    const d = m.data;
    const key = `${d.state}|${d.queueId}|${d.agentId}`;
    if (key === lastAttributes) return;
    lastAttributes = key;
    upsertSearchAttributes([
      { key: ConversationStateKey, value: d.state },
      { key: QueueIdKey, value: d.queueId },
      { key: AgentIdKey, value: d.agentId ?? d.offer?.agentId ?? null },
    ]);
  };

  const sync = async (extra: ConversationPatch = {}, notify: string[] = []) => {
    if (deferred) {
      // The only extra ever passed (withBot) mirrors the machine, which the flush writes anyway.
      deferred.dirty = true;
      for (const n of notify) deferred.notify.add(n);
      return;
    }
    const d = m.data;
    await db.syncConversation({
      conversationId: c.conversationId,
      patch: {
        state: d.state,
        resolution: d.resolution,
        agentId: d.agentId,
        offeredAgentId: d.offer?.agentId ?? null,
        queueId: d.queueId,
        withBot: d.withBot,
        ...extra,
      },
      notify,
    });
    upsertAttributes();
  };

  const armStateTimer = () => {
    if (deferred) {
      deferred.arm = true;
      return;
    }
    const w = ctx()?.workstream;
    const minutes = (n: number | undefined, fallback: number) => (n ?? fallback) * MINUTE;
    switch (m.state) {
      case 'open':
        timers.set('state', m.data.withBot ? BOT_INACTIVITY_MS : minutes(w?.openTimeoutMinutes, 43200));
        break;
      case 'active':
        timers.set('state', minutes(w?.openTimeoutMinutes, 43200));
        break;
      case 'waiting':
        timers.set('state', minutes(w?.autoCloseAfterInactivityMinutes, 1440));
        break;
      case 'wrap_up':
        timers.set('state', minutes(w?.wrapUpMinutes, 1440));
        break;
      case 'closed': {
        const window = w?.reopenWindowMinutes ?? 0;
        if (m.data.resolution === 'force_closed' || window <= 0) {
          timers.cancel('state');
          complete = true;
        } else {
          timers.set('state', window * MINUTE);
        }
        break;
      }
    }
  };

  /** Writes what a batch deferred: one read-model sync and one state timer for the whole batch. */
  const flushDeferred = async () => {
    const d = deferred;
    if (!d) return;
    deferred = null;
    if (d.dirty) await sync({}, [...d.notify]);
    if (d.arm) armStateTimer();
    deferred = { dirty: false, notify: new Set(), arm: false };
  };

  const releaseHeldCapacity = async () => {
    const key = m.data.reservationKey;
    if (!key) return;
    const released = await db.releaseCapacity({ reservationKey: key });
    m.capacityReleased();
    if (released) await remoteDb.nudgeQueues({ queueIds: released.queueIds, limit: 5 });
  };

  const withdrawOffer = async () => {
    const offer = m.offer;
    if (!offer) return;
    timers.cancel('offer');
    await db.resolveOffer({ offerId: offer.offerId, conversationId: c.conversationId, outcome: 'withdrawn' });
    m.decline();
    await db.releaseCapacity({ reservationKey: offer.reservationKey });
  };

  const enqueueAutomated = async (trigger: AutomatedTrigger, options: { bypassOptOut?: boolean } = {}) => {
    if (m.data.optedOut && !options.bypassOptOut) return;
    const messageId = uuid4();
    const queued = await db.queueAutomated({
      messageId,
      conversationId: c.conversationId,
      trigger,
      channelId: ctx()?.channel.id ?? null,
      agentId: m.agentId ?? m.data.previousAgentId,
      queueId: m.data.queueId,
    });
    if (queued) c.outbox.push({ messageId, bypassOptOut: options.bypassOptOut ?? false });
  };

  const closeConversation = async (resolution: 'resolved' | 'auto_closed' | 'force_closed', notify: string[] = []) => {
    await withdrawOffer();
    await releaseHeldCapacity();
    timers.cancel('redistribute');
    m.close(resolution);
    await sync({}, notify);
    armStateTimer();
  };

  // ---------- routing and distribution ----------

  const classifyAndQueue = async (text: string) => {
    const context = ctx()!;
    const decision = await db.classify({
      conversationId: c.conversationId,
      workstreamId: context.workstream.id,
      defaultQueueId: context.workstream.defaultQueueId,
      text,
      customerNumber: input.customerNumber,
      supportNumber: input.supportNumber,
      language: context.channel.language,
      botVariables: c.botVariables,
      notifyQueueMembers: context.workstream.distributionMode === 'pick',
    });
    m.routedTo(decision.queueId);
    c.skills = decision.skills;
    await sync();
    redistribute = true;
  };

  const distribute = async () => {
    const context = ctx();
    const d = m.data;
    if (!context || m.state !== 'open' || m.offer || d.withBot || !d.queueId) return;
    if (context.workstream.distributionMode !== 'push') return;
    const w = context.workstream;
    const base = {
      conversationId: c.conversationId,
      queueId: d.queueId,
      units: w.capacityUnits,
      skills: c.skills,
      skillMatching: w.skillMatching,
      allowedPresences: w.allowedPresences,
    };
    const exhausted = m.exhaustedAgents(context.declinesAllowed);
    const decliners = Object.keys(d.declines);
    const key = `${c.conversationId}:${uuid4()}`;
    let agent: { agentId: string } | null = null;
    // Keep same agent: back to the previous owner first, but only if present and with capacity (presence-aware).
    if (w.keepSameAgent && d.previousAgentId && !decliners.includes(d.previousAgentId)) {
      agent = await db.reserveAgent({
        ...base,
        reservationKey: key,
        excludeAgentIds: [],
        onlyAgentId: d.previousAgentId,
      });
    }
    agent ??= await db.reserveAgent({
      ...base,
      reservationKey: key,
      excludeAgentIds: skipDecliners ? [...new Set([...exhausted, ...decliners])] : exhausted,
    });
    skipDecliners = false;
    if (!agent) {
      // Nobody eligible: wait in the queue for a presence/capacity signal, with a slow fallback tick.
      if (!timers.isSet('redistribute')) {
        // ±20 % (the workflow's seeded, replay-safe Math.random): conversations that started waiting together — a
        // burst, an outage, a night without agents — would otherwise wake together, a CPU wave every tick.
        timers.set('redistribute', Math.round(c.redistributeMs * (0.8 + 0.4 * Math.random())));
        c.redistributeMs = Math.min(c.redistributeMs * 2, REDISTRIBUTE_MAX_MS);
      }
      return;
    }
    timers.cancel('redistribute');
    c.redistributeMs = REDISTRIBUTE_FIRST_MS;
    const offerId = uuid4();
    m.offerTo({ offerId, agentId: agent.agentId, reservationKey: key });
    if (w.autoAccept) {
      m.accept(agent.agentId);
      await sync();
      armStateTimer();
      return;
    }
    await db.recordOffer({
      offerId,
      conversationId: c.conversationId,
      agentId: agent.agentId,
      expiresInSeconds: w.offerTimeoutSeconds,
    });
    timers.set('offer', w.offerTimeoutSeconds * 1000);
    upsertAttributes();
  };

  const declineOffer = async (outcome: 'rejected' | 'timed_out') => {
    const offer = m.offer;
    if (!offer) return;
    timers.cancel('offer');
    await db.resolveOffer({ offerId: offer.offerId, conversationId: c.conversationId, outcome });
    m.decline();
    await db.releaseCapacity({ reservationKey: offer.reservationKey });
    await sync({}, [offer.agentId]);
    skipDecliners = true;
    redistribute = true;
  };

  // ---------- bot ----------

  const botTurn = async (text: string, first: boolean) => {
    const context = ctx()!;
    // The read model is current while the bot (a remote call) thinks. (Only inside a batch: an extra await here
    // would reorder the commands of older histories.)
    if (deferred) await flushDeferred();
    let turn: Awaited<ReturnType<Activities['runBot']>>;
    let failure: string | null = null;
    try {
      turn = await botsWithin(context.bot!.timeoutMs).runBot({
        botId: context.bot!.id,
        conversationId: c.conversationId,
        text,
        variables: c.botVariables,
        first,
      });
    } catch (err) {
      // A bot that fails for good (timeout, unreadable secret, garbage answers) must not fail the conversation:
      // the customer goes to an agent instead. Older histories failed the run here.
      if (!patched('bot-failure-escalates')) throw err;
      failure = botFailureReason(err);
      turn = {
        action: 'escalate',
        variables: { ...c.botVariables, lastMessage: text },
        reason: failure,
      };
    }
    c.botVariables = turn.variables;
    const say = async (reply: string | undefined) => {
      if (!reply) return;
      const messageId = uuid4();
      await db.queueOutbound({
        messageId,
        conversationId: c.conversationId,
        direction: 'bot',
        text: reply,
        agentId: null,
      });
      c.outbox.push({ messageId, bypassOptOut: false });
    };
    if (turn.action === 'reply') {
      await say(turn.text);
      return;
    }
    await say(turn.text);
    if (turn.action === 'end') {
      await closeConversation('resolved');
      return;
    }
    // Escalate: routing runs again with what the bot collected (omnichannel.md §6).
    // A system note (no author): the agent sees why the bot handed over or was skipped. Older histories wrote none.
    const note =
      failure !== null
        ? `Bot skipped: ${failure}. The conversation was routed to an agent.`
        : patched('bot-escalation-note')
          ? `Bot handed over to an agent: ${turn.reason}.`
          : null;
    if (note) {
      await db.queueOutbound({
        messageId: uuid4(),
        conversationId: c.conversationId,
        direction: 'note',
        text: note,
        agentId: null,
      });
    }
    m.botEscalated();
    c.botVariables = { ...c.botVariables, escalationReason: turn.reason };
    await sync({ withBot: false });
    armStateTimer();
    await classifyAndQueue(c.botVariables.lastMessage ?? text);
  };

  // ---------- inbound ----------

  const loadContext = async () => {
    c.context = await db.loadConversationContext({
      accountId: input.accountId,
      supportNumber: input.supportNumber,
      customerNumber: input.customerNumber,
    });
    c.contextLoaded = true;
    if (c.context) m.setOptedOut(c.context.optedOut);
  };

  const onKeyword = async (kind: 'stop' | 'start' | 'help', isNew: boolean, referenceId: string) => {
    if (kind === 'stop' && !m.data.optedOut) {
      await db.setConsent({
        supportNumber: input.supportNumber,
        customerNumber: input.customerNumber,
        optedOut: true,
        source: 'keyword:STOP',
        idempotencyKey: `consent:${referenceId}`,
      });
      m.setOptedOut(true);
      await enqueueAutomated('opt_out_confirmation', { bypassOptOut: true });
    } else if (kind === 'start' && m.data.optedOut) {
      await db.setConsent({
        supportNumber: input.supportNumber,
        customerNumber: input.customerNumber,
        optedOut: false,
        source: 'keyword:START',
        idempotencyKey: `consent:${referenceId}`,
      });
      m.setOptedOut(false);
      await enqueueAutomated('opt_in_confirmation');
    } else if (kind === 'help') {
      // HELP is always answered, opted out or not (carrier rules).
      await enqueueAutomated('help', { bypassOptOut: true });
    }
    // A keyword on its own is not a customer-service request: it starts no work for agents.
    if (isNew) await closeConversation('auto_closed');
    else await sync();
  };

  const onInbound = async (message: InboundSms) => {
    const reopening = m.state === 'closed';
    if (!c.contextLoaded || reopening) await loadContext();
    const context = ctx();
    const recorded = await db.recordInbound({
      conversationId: c.conversationId,
      workflowId,
      // The conversation is the continue-as-new chain: the API addresses it by its first run id, which never changes.
      runId: workflowInfo().firstExecutionRunId,
      accountId: input.accountId,
      supportNumber: input.supportNumber,
      customerNumber: input.customerNumber,
      sms: message,
      channel: context
        ? { workstreamId: context.workstream.id, channelId: context.channel.id, language: context.channel.language }
        : null,
    });
    // Results recorded by older code carry no reference id; the message-id check still applies to them.
    if (recorded.referenceId !== undefined && recorded.referenceId !== message.referenceId) {
      throw new Error(`recordInbound answered for ${recorded.referenceId}, asked for ${message.referenceId}`);
    }
    attribute(recorded.messageId, message.referenceId);
    if (recorded.duplicate) return;
    const isNew = !m.data.routed && !m.data.withBot && m.state === 'open';
    if (!context) {
      // No channel serves this number any more (the webhook normally catches it): keep the text, route nothing.
      if (m.state !== 'closed') await closeConversation('auto_closed');
      return;
    }
    const keyword = keywordOf(message);
    if (keyword) {
      await onKeyword(keyword, isNew || reopening, message.referenceId);
      return;
    }
    await afterCustomerText(message, reopening, isNew, context);
  };

  /** A customer text that is not a keyword: reopen, re-route, or hand it to the bot. */
  const afterCustomerText = async (
    message: InboundSms,
    reopening: boolean,
    isNew: boolean,
    context: ConversationContext,
  ) => {
    const mustRoute = m.customerTexted();
    if (reopening || mustRoute) await sync();
    armStateTimer();
    if (m.data.withBot) {
      await botTurn(message.text, false);
      return;
    }
    if (!mustRoute) return;
    if (isNew) await enqueueAutomated('greeting');
    if (!m.data.routed && context.bot && context.workstream.distributionMode === 'push') {
      m.startBot();
      await sync({ withBot: true });
      armStateTimer();
      await botTurn(message.text, true);
      return;
    }
    await classifyAndQueue(message.text);
  };

  /** Takes the next batch from the pending inbound, in inbox order, within the per-task limits. */
  const nextBatch = (): InboundSms[] => {
    sortInInboxOrder(c.inbound);
    let keywords = 0;
    let n = 0;
    for (; n < c.inbound.length && n < MAX_INBOUND_PER_TASK; n++) {
      if (keywordOf(c.inbound[n]!)) {
        if (keywords === MAX_KEYWORDS_PER_TASK) break;
        keywords++;
      }
    }
    return c.inbound.slice(0, n);
  };

  /**
   * Records a batch with one bulk write, then applies each new message in order. A message leaves the pending list
   * and enters `seen` only once the write returned; until then a re-delivery is dropped as queued, and
   * continue-as-new carries it as pending.
   */
  const onInboundBatch = async (batch: InboundSms[]) => {
    if (!c.contextLoaded || m.state === 'closed') await loadContext();
    const context = ctx();
    const sent = batch.map((x) => x.referenceId);
    const recorded: RecordedInbound[] = await db.recordInboundBatch({
      conversationId: c.conversationId,
      workflowId,
      runId: workflowInfo().firstExecutionRunId,
      accountId: input.accountId,
      supportNumber: input.supportNumber,
      customerNumber: input.customerNumber,
      messages: batch,
      channel: context
        ? { workstreamId: context.workstream.id, channelId: context.channel.id, language: context.channel.language }
        : null,
    });
    if (recorded.length !== sent.length || recorded.some((r, i) => r.referenceId !== sent[i])) {
      // A plain Error fails this workflow task (it is retried), never the run.
      throw new Error(
        `recordInboundBatch answered for [${recorded.map((r) => r.referenceId).join(',')}], asked for [${sent.join(',')}]`,
      );
    }
    for (const r of recorded) attribute(r.messageId, r.referenceId);
    const done = new Set(sent);
    c.inbound = c.inbound.filter((x) => !done.has(x.referenceId));
    for (const ref of sent) {
      queued.delete(ref);
      seen.add(ref);
    }
    const fresh = batch.filter((_, i) => !recorded[i]!.duplicate);
    if (fresh.length === 0) return;
    if (!context) {
      // No channel serves this number any more (the webhook normally catches it): keep the texts, route nothing.
      if (m.state !== 'closed') await closeConversation('auto_closed');
      return;
    }
    deferred = { dirty: false, notify: new Set(), arm: false };
    try {
      for (const message of fresh) await applyInbound(message, context);
      await flushDeferred();
    } finally {
      deferred = null;
    }
  };

  /** One recorded, new customer message, applied to the conversation (the batch path's onInbound). */
  const applyInbound = async (message: InboundSms, context: ConversationContext) => {
    const reopening = m.state === 'closed';
    const isNew = !m.data.routed && !m.data.withBot && m.state === 'open';
    const keyword = keywordOf(message);
    if (keyword) {
      if (keyword !== 'help') {
        // STOP/START arriving out of order: one older than the keyword that set the consent is recorded only.
        const at = positionOf(message);
        if (c.consentFrom && compareInbox(at, c.consentFrom) < 0) return;
        c.consentFrom = at;
      }
      await onKeyword(keyword, isNew || reopening, message.referenceId);
      return;
    }
    await afterCustomerText(message, reopening, isNew, context);
  };

  const onTimer = async (name: string) => {
    if (name === 'offer') {
      if (m.offer) await declineOffer('timed_out');
      return;
    }
    if (name === 'redistribute') {
      redistribute = true;
      return;
    }
    if (name !== 'state') return;
    switch (m.state) {
      case 'open':
      case 'active':
      case 'waiting':
        await closeConversation('auto_closed', m.agentId ? [m.agentId] : []);
        break;
      case 'wrap_up':
        await closeConversation('resolved');
        break;
      case 'closed':
        complete = true;
        break;
    }
  };

  // ---------- updates (agents and supervisors) ----------

  const handle = <Args extends unknown[], R>(
    def: UpdateDefinition<R, Args>,
    validate: (...args: Args) => void,
    run: (...args: Args) => Promise<R>,
  ) => {
    setHandler(
      def,
      (...args: Args) =>
        lock.run(async () => {
          try {
            validate(...args); // state may have changed while the update waited for the lock
            return await run(...args);
          } catch (err) {
            throw toFailure(err);
          }
        }),
      { validator: (...args: Args) => guard(() => validate(...args)) },
    );
  };

  const distributionMode = () => ctx()?.workstream.distributionMode ?? 'push';

  handle(
    acceptUpdate,
    (a: Actor) => m.checkAccept(a),
    async (a) => {
      const offer = m.offer!;
      timers.cancel('offer');
      await db.resolveOffer({ offerId: offer.offerId, conversationId: c.conversationId, outcome: 'accepted' });
      m.accept(a.userId);
      await sync();
      armStateTimer();
      return ack();
    },
  );

  handle(
    rejectUpdate,
    (a: Actor) => m.checkReject(a),
    async () => {
      await declineOffer('rejected');
      return ack();
    },
  );

  handle(
    pickUpdate,
    (a: Actor) => m.checkPick(a, distributionMode()),
    async (a) => {
      const w = ctx()?.workstream;
      const key = `${c.conversationId}:${uuid4()}`;
      if (m.state === 'open') {
        if (!(await db.isQueueMember({ queueId: m.data.queueId ?? '', agentId: a.userId })) && a.role === 'agent') {
          throw ApplicationFailure.create({
            type: FailureTypes.NotYours,
            message: 'you are not a member of this conversation’s queue',
          });
        }
        await withdrawOffer();
      }
      const units = w?.capacityUnits ?? 1;
      const reserved = await db.reserveAgent({
        reservationKey: key,
        conversationId: c.conversationId,
        queueId: m.data.queueId ?? '',
        units,
        skills: [],
        skillMatching: 'none',
        allowedPresences: ['available', 'busy', 'busy_dnd', 'away', 'offline'],
        excludeAgentIds: [],
        onlyAgentId: a.userId,
      });
      if (!reserved) {
        if (m.state === 'open') {
          throw ApplicationFailure.create({
            type: FailureTypes.InvalidTransition,
            message: 'you have no free capacity for this conversation',
            details: [{ state: m.state }],
          });
        }
        // Reviving one's own waiting conversation is allowed at full capacity (D365: capacity may go negative).
        await db.forceReserve({ reservationKey: key, conversationId: c.conversationId, agentId: a.userId, units });
      }
      m.assignTo(a.userId, key);
      await sync();
      armStateTimer();
      return ack();
    },
  );

  handle(
    sendUpdate,
    (a: Actor, body: { text: string }) => {
      m.checkSend(a, body.text);
      if (m.data.optedOut) {
        throw ApplicationFailure.create({
          type: FailureTypes.OptedOut,
          message: 'opted_out',
          details: [{ detail: 'opted_out' }],
        });
      }
    },
    async (a, body): Promise<SendAck> => {
      const messageId = uuid4();
      await db.queueOutbound({
        messageId,
        conversationId: c.conversationId,
        direction: 'outbound',
        text: body.text,
        agentId: a.userId,
      });
      c.outbox.push({ messageId, bypassOptOut: false });
      if (m.state === 'active') armStateTimer();
      return { ...ack(), messageId };
    },
  );

  handle(
    waitUpdate,
    (a: Actor) => m.checkWait(a),
    async () => {
      await releaseHeldCapacity();
      m.wait();
      await sync();
      armStateTimer();
      return ack();
    },
  );

  handle(
    endUpdate,
    (a: Actor) => m.checkEnd(a),
    async () => {
      m.end();
      // "Block capacity for wrap-up" off (our SMS default): the agent is free for new work while wrapping up.
      if (!ctx()?.workstream.blockCapacityForWrapUp) await releaseHeldCapacity();
      await enqueueAutomated('agent_ended_conversation');
      await sync();
      armStateTimer();
      return ack();
    },
  );

  handle(
    closeUpdate,
    (a: Actor) => m.checkClose(a),
    async () => {
      await closeConversation('resolved');
      return ack();
    },
  );

  const transferByOffer = async (a: Actor, agentId: string) => {
    const w = ctx()?.workstream;
    const queueId = m.data.queueId;
    const refuse = (message: string) =>
      ApplicationFailure.create({ type: FailureTypes.InvalidTransition, message, details: [{ state: m.state }] });
    if (!w || !queueId) throw refuse('this conversation has no queue whose members it could be transferred to');
    if (agentId === a.userId) throw refuse('you cannot transfer a conversation to yourself');
    const previous = m.agentId;
    const key = `${c.conversationId}:${uuid4()}`;
    const reserved = await db.reserveAgent({
      reservationKey: key,
      conversationId: c.conversationId,
      queueId,
      units: w.capacityUnits,
      skills: [],
      skillMatching: 'none',
      allowedPresences: w.allowedPresences,
      excludeAgentIds: [],
      onlyAgentId: agentId,
    });
    if (!reserved) {
      throw refuse(
        `agent ${agentId} cannot take this conversation: not a member of its queue, not in an allowed presence, or without free capacity`,
      );
    }
    await releaseHeldCapacity();
    const offerId = uuid4();
    m.offerTransfer({ offerId, agentId, reservationKey: key });
    if (w.autoAccept) {
      m.accept(agentId);
    } else {
      await db.recordOffer({
        offerId,
        conversationId: c.conversationId,
        agentId,
        expiresInSeconds: w.offerTimeoutSeconds,
      });
      timers.set('offer', w.offerTimeoutSeconds * 1000);
    }
    await sync({}, previous ? [previous] : []);
    armStateTimer();
    return ack();
  };

  handle(
    transferUpdate,
    (a: Actor, target: { queueId?: string; agentId?: string }) => m.checkTransfer(a, target),
    async (a, target) => {
      const previous = m.agentId;
      const units = ctx()?.workstream.capacityUnits ?? 1;
      // Agents transfer by offer, to a member of the conversation's queue in an allowed presence with free capacity;
      // supervisors (below) still assign directly. Runs that started before this change keep the direct booking.
      if (target.agentId && a.role === 'agent' && patched('transfer-agent-offer')) {
        return transferByOffer(a, target.agentId);
      }
      if (target.agentId) {
        const key = `${c.conversationId}:${uuid4()}`;
        await db.forceReserve({
          reservationKey: key,
          conversationId: c.conversationId,
          agentId: target.agentId,
          units,
        });
        await releaseHeldCapacity();
        m.assignTo(target.agentId, key);
        await sync({}, previous ? [previous] : []);
        armStateTimer();
        return ack();
      }
      if (!(await db.queueExists({ queueId: target.queueId! }))) {
        throw ApplicationFailure.create({
          type: FailureTypes.NotFound,
          message: `queue ${target.queueId} does not exist`,
        });
      }
      await releaseHeldCapacity();
      m.requeue(target.queueId!);
      await sync({}, previous ? [previous] : []);
      armStateTimer();
      skipDecliners = false;
      redistribute = true;
      return ack();
    },
  );

  handle(
    assignUpdate,
    (a: Actor, _target: { agentId: string }) => m.checkAssign(a),
    async (_a, target) => {
      const previous = m.agentId;
      const key = `${c.conversationId}:${uuid4()}`;
      await db.forceReserve({
        reservationKey: key,
        conversationId: c.conversationId,
        agentId: target.agentId,
        units: ctx()?.workstream.capacityUnits ?? 1,
      });
      await withdrawOffer();
      await releaseHeldCapacity();
      m.assignTo(target.agentId, key);
      timers.cancel('redistribute');
      await sync({}, previous && previous !== target.agentId ? [previous] : []);
      armStateTimer();
      return ack();
    },
  );

  handle(
    forceCloseUpdate,
    (a: Actor) => m.checkForceClose(a),
    async () => {
      await closeConversation('force_closed', m.agentId ? [m.agentId] : []);
      return ack();
    },
  );

  handle(
    noteUpdate,
    (a: Actor, body: { text: string }) => m.checkNote(a, body.text),
    async (a, body): Promise<SendAck> => {
      const messageId = uuid4();
      await db.queueOutbound({
        messageId,
        conversationId: c.conversationId,
        direction: 'note',
        text: body.text,
        agentId: a.userId,
      });
      return { ...ack(), messageId };
    },
  );

  // ---------- signals and query ----------

  setHandler(inboundSignal, (message) => {
    // Dedupe on TeleSign's reference id: the relay may hand the same MO over more than once.
    if (batched) {
      // Recorded or already queued: a no-op. Anything else is queued, even a reference delivered before whose
      // recording never happened (the inbox sweeper re-delivers those).
      if (seen.has(message.referenceId) || queued.has(message.referenceId)) return;
      queued.add(message.referenceId);
      c.inbound.push(message);
      return;
    }
    if (seen.has(message.referenceId)) return;
    seen.add(message.referenceId);
    c.inbound.push(message);
  });
  setHandler(agentsAvailableSignal, () => {
    nudged = true;
  });
  setHandler(stateQuery, () => ({
    conversationId: c.conversationId,
    ...m.snapshot(),
    skills: c.skills,
    pendingInbound: c.inbound.length,
    outbox: c.outbox.length,
    botVariables: c.botVariables,
    timers: { state: timers.isSet('state'), offer: timers.isSet('offer'), redistribute: timers.isSet('redistribute') },
  }));

  // ---------- sender: delivers queued messages in order, concurrently with the main loop ----------

  void (async () => {
    for (;;) {
      await condition(() => c.outbox.length > 0);
      const job = c.outbox[0]!;
      sending = true;
      try {
        await sms.deliverOutbound({
          messageId: job.messageId,
          accountId: input.accountId,
          supportNumber: input.supportNumber,
          customerNumber: input.customerNumber,
          bypassOptOut: job.bypassOptOut,
        });
      } catch (err) {
        const type = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause.type : null;
        // Final errors and opt-outs were recorded by the activity; anything else means retries ran out.
        if (type !== FailureTypes.FinalSendError && type !== FailureTypes.OptedOut) {
          await db.markSendFailed({
            messageId: job.messageId,
            conversationId: c.conversationId,
            error: `gave up after retries: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : String(err)}`,
          });
        }
      } finally {
        c.outbox.shift();
        sending = false;
      }
    }
  })();

  // ---------- main loop ----------

  if (carried?.timers) {
    // A continued run resumes its timers at their deadlines: continue-as-new never restarts a timer.
    timers.restore(carried.timers);
    if (!m.offer) redistribute = true;
  } else if (carried) {
    // Carried by older code (no deadlines): timers start afresh (a little longer, never shorter).
    armStateTimer();
    if (m.offer) timers.set('offer', (ctx()?.workstream.offerTimeoutSeconds ?? 60) * 1000);
    else redistribute = true;
  }
  for (;;) {
    await condition(
      () => c.inbound.length > 0 || nudged || redistribute || timers.hasFired || complete || shouldContinueAsNew(),
    );
    await lock.run(async () => {
      if (batched) {
        if (c.inbound.length > 0) await onInboundBatch(nextBatch());
      } else {
        while (c.inbound.length > 0) await onInbound(c.inbound.shift()!);
      }
      for (const name of timers.take()) await onTimer(name);
      if (nudged || redistribute) {
        nudged = false;
        redistribute = false;
        await distribute();
      }
    });
    if (complete) {
      // Finish what was promised: queued messages go out, running updates answer.
      await condition(() => (c.outbox.length === 0 && !sending && allHandlersFinished()) || c.inbound.length > 0);
      if (c.inbound.length > 0) {
        complete = false; // a text arrived while closing: it reopens (or is handled) instead of being dropped
        continue;
      }
      return;
    }
    if (shouldContinueAsNew()) {
      // Signals that arrive now are buffered into c.inbound by their handler and carried over, never lost.
      await condition(() => allHandlersFinished() && !sending && !lock.busy);
      c.machine = m.snapshot();
      c.seen = [...seen].slice(-MAX_SEEN_REFERENCES);
      // Only runs with the batched path carry deadlines: runs carried by them resume the time left.
      if (batched) c.timers = timers.deadlines();
      await continueAsNew<typeof conversationWorkflow>({ ...input, carried: c });
    }
    if (batched && c.inbound.length > 0) {
      // More inbound than one task takes on: end this task (a 1 ms timer) and go on in the next one, so no task
      // grows until the server refuses it, and queued messages never wait for an unrelated timer.
      await sleep(1);
    }
  }
}

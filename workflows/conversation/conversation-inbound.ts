import { patched, uuid4, workflowInfo } from '@temporalio/workflow';
import type { ConversationContext } from '../../activities/conversation-context.js';
import type { Activities } from '../../activities/index.js';
import type { RecordedInbound } from '../../activities/record-inbound.js';
import { classifyKeyword } from '../../domain/keywords.js';
import type { InboundSms, InboxPosition } from '../definitions.js';
import { botsWithin, mediaFetch } from './activity-options.js';
import type { Conversation } from './conversation.js';
import { botFailureReason } from './failures.js';

/*
 * The customer's side of a conversation: recording inbound texts (in bulk, in inbox order), keywords, reopening,
 * routing and the bot's turns. Functions of Conversation (it delegates here) to keep that class to its core.
 */

/**
 * Work one workflow task takes on: at most this many inbound messages (one bulk write), of which at most this many
 * keywords (each may cost two more local activities). The server fails a task once more than 100 signals are
 * buffered behind it (history.maximumBufferedEventsBatch), so a task must stay short under a flood.
 */
export const MAX_INBOUND_PER_TASK = 100;
export const MAX_KEYWORDS_PER_TASK = 10;

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

const channelOf = (context: ConversationContext | null) =>
  context
    ? { workstreamId: context.workstream.id, channelId: context.channel.id, language: context.channel.language }
    : null;

export async function loadContext(conv: Conversation): Promise<void> {
  const { input } = conv;
  applyContext(
    conv,
    await conv.db.loadConversationContext({
      accountId: input.accountId,
      supportNumber: input.supportNumber,
      customerNumber: input.customerNumber,
    }),
  );
}

function applyContext(conv: Conversation, context: ConversationContext | null): void {
  const c = conv.carried;
  c.context = context;
  c.contextLoaded = true;
  if (context) conv.machine.setOptedOut(context.optedOut);
}

async function onKeyword(
  conv: Conversation,
  kind: 'stop' | 'start' | 'help',
  isNew: boolean,
  referenceId: string,
): Promise<void> {
  const { machine: m, input, db } = conv;
  if ((kind === 'stop' && !m.data.optedOut) || (kind === 'start' && m.data.optedOut)) {
    const optedOut = kind === 'stop';
    const r = await db.setConsent({
      supportNumber: input.supportNumber,
      customerNumber: input.customerNumber,
      optedOut,
      source: optedOut ? 'keyword:STOP' : 'keyword:START',
      idempotencyKey: `consent:${referenceId}`,
      // The store reads the keyword's place from the inbox (sequence, submit time, later keywords of the customer).
      referenceId,
    });
    // The store knows the keyword's place in the customer's inbox order, across runs: a STOP older than the START
    // that set the consent (possibly handled by an earlier run) changes nothing and confirms nothing.
    const held = patched('consent-position') ? r : { applied: true, optedOut };
    const changed = held.optedOut !== m.data.optedOut;
    m.setOptedOut(held.optedOut);
    if (held.applied && changed) {
      if (held.optedOut) await conv.enqueueAutomated('opt_out_confirmation', { bypassOptOut: true });
      else await conv.enqueueAutomated('opt_in_confirmation');
    }
  } else if (kind === 'help') {
    // HELP is always answered, opted out or not (carrier rules).
    await conv.enqueueAutomated('help', { bypassOptOut: true });
  }
  // A keyword on its own is not a customer-service request: it starts no work for agents. A keyword to a conversation
  // that is already closed leaves it closed (closing it again threw, and the task failed for good: HELP then STOP).
  const alreadyClosed = m.state === 'closed' && patched('keyword-on-closed');
  if (isNew && !alreadyClosed) await conv.closeConversation('auto_closed');
  else await conv.sync();
}

/** One message on the per-message path (runs that started before `inbound-batch`). */
export async function onInbound(conv: Conversation, message: InboundSms): Promise<void> {
  const { machine: m, input } = conv;
  const reopening = m.state === 'closed';
  if (!conv.carried.contextLoaded || reopening) await loadContext(conv);
  const context = conv.context;
  const recorded = await conv.db.recordInbound({
    conversationId: conv.conversationId,
    workflowId: conv.workflowId,
    // The conversation is the continue-as-new chain: the API addresses it by its first run id, which never changes.
    runId: workflowInfo().firstExecutionRunId,
    accountId: input.accountId,
    supportNumber: input.supportNumber,
    customerNumber: input.customerNumber,
    sms: message,
    channel: channelOf(context),
  });
  // Results recorded by older code carry no reference id; the message-id check still applies to them.
  if (recorded.referenceId !== undefined && recorded.referenceId !== message.referenceId) {
    throw new Error(`recordInbound answered for ${recorded.referenceId}, asked for ${message.referenceId}`);
  }
  conv.attribute(recorded.messageId, message.referenceId);
  if (recorded.duplicate) return;
  const isNew = !m.data.routed && !m.data.withBot && m.state === 'open';
  if (!context) {
    // No channel serves this number any more (the webhook normally catches it): keep the text, route nothing.
    if (m.state !== 'closed') await conv.closeConversation('auto_closed');
    return;
  }
  const keyword = keywordOf(message);
  if (keyword) {
    await onKeyword(conv, keyword, isNew || reopening, message.referenceId);
    return;
  }
  await afterCustomerText(conv, message, reopening, isNew, context);
}

/** A customer text that is not a keyword: reopen, re-route, or hand it to the bot. */
async function afterCustomerText(
  conv: Conversation,
  message: InboundSms,
  reopening: boolean,
  isNew: boolean,
  context: ConversationContext,
): Promise<void> {
  const m = conv.machine;
  if (await conv.service.onCustomerText(message)) return; // a survey answer: it reopens nothing
  const mustRoute = m.customerTexted();
  if (reopening || mustRoute) await conv.sync();
  conv.armStateTimer();
  if (m.data.withBot) {
    await botTurn(conv, message.text, false);
    return;
  }
  if (!mustRoute) return;
  if (isNew) await conv.enqueueAutomated('greeting');
  if (!m.data.routed && context.bot && context.workstream.distributionMode === 'push') {
    m.startBot();
    await conv.sync({ withBot: true });
    conv.armStateTimer();
    await botTurn(conv, message.text, true);
    return;
  }
  await conv.classifyAndQueue(message.text);
}

/** Takes the next batch from the pending inbound, in inbox order, within the per-task limits. */
export function nextBatch(conv: Conversation): InboundSms[] {
  const pending = conv.carried.inbound;
  sortInInboxOrder(pending);
  let keywords = 0;
  let n = 0;
  for (; n < pending.length && n < MAX_INBOUND_PER_TASK; n++) {
    if (keywordOf(pending[n]!)) {
      if (keywords === MAX_KEYWORDS_PER_TASK) break;
      keywords++;
    }
  }
  return pending.slice(0, n);
}

/**
 * Records a batch with one bulk write, then applies each new message in order. A message leaves the pending list
 * and enters `seen` only once the write returned; until then a re-delivery is dropped as queued, and
 * continue-as-new carries it as pending.
 */
export async function onInboundBatch(conv: Conversation, batch: InboundSms[]): Promise<void> {
  const { carried: c, machine: m, input } = conv;
  const needContext = !c.contextLoaded || m.state === 'closed';
  const sent = batch.map((x) => x.referenceId);
  const key = {
    conversationId: c.conversationId,
    workflowId: conv.workflowId,
    runId: workflowInfo().firstExecutionRunId,
    accountId: input.accountId,
    supportNumber: input.supportNumber,
    customerNumber: input.customerNumber,
    messages: batch,
  };
  let recorded: RecordedInbound[];
  if (conv.lean) {
    // The context load (when needed) and the recording in one local activity.
    const turn = await conv.db.recordInboundTurn({
      ...key,
      loadContext: needContext,
      channel: channelOf(conv.context),
    });
    if (needContext) applyContext(conv, turn.context ?? null);
    recorded = turn.recorded;
  } else {
    if (needContext) await loadContext(conv);
    recorded = await conv.db.recordInboundBatch({ ...key, channel: channelOf(conv.context) });
  }
  const context = conv.context;
  if (recorded.length !== sent.length || recorded.some((r, i) => r.referenceId !== sent[i])) {
    // A plain Error fails this workflow task (it is retried), never the run.
    throw new Error(
      `recordInboundBatch answered for [${recorded.map((r) => r.referenceId).join(',')}], asked for [${sent.join(',')}]`,
    );
  }
  for (const r of recorded) conv.attribute(r.messageId, r.referenceId);
  const done = new Set(sent);
  c.inbound = c.inbound.filter((x) => !done.has(x.referenceId));
  for (const ref of sent) {
    conv.queued.delete(ref);
    conv.seen.add(ref);
  }
  const fresh = batch.filter((_, i) => !recorded[i]!.duplicate);
  if (fresh.length === 0) return;
  if (!context) {
    // No channel serves this number any more (the webhook normally catches it): keep the texts, route nothing.
    if (m.state !== 'closed') await conv.closeConversation('auto_closed');
    return;
  }
  conv.deferred = { dirty: false, notify: new Set(), arm: false };
  try {
    for (const message of fresh) await applyInbound(conv, message, context);
    await conv.flushDeferred();
  } finally {
    conv.deferred = null;
  }
  // MMS-style media: the placeholder is in the transcript already; the files follow. (Older histories had no media.)
  const withMedia = fresh.filter((x) => x.media?.length);
  if (withMedia.length > 0 && patched('inbound-media')) fetchMedia(conv, withMedia);
}

/**
 * Starts a fetch of each media reference into storage (the activity refuses hosts that are not TeleSign's). Not
 * awaited: a slow media host must not hold the conversation's lock (agent actions wait on it); the activity records
 * its outcome on the attachment row and tells the workspace. A fetch that fails for good leaves the placeholder and
 * a failed attachment for admins; it never fails the conversation.
 */
function fetchMedia(conv: Conversation, list: InboundSms[]): void {
  for (const message of list) {
    for (const [index, ref] of (message.media ?? []).entries()) {
      mediaFetch
        .fetchInboundMedia({
          attachmentId: uuid4(),
          conversationId: conv.conversationId,
          referenceId: message.referenceId,
          index,
          url: ref.url,
          ...(ref.contentType ? { contentType: ref.contentType } : {}),
        })
        .catch(() => {
          // Recorded on the attachment row by the activity's last attempt.
        });
    }
  }
}

/** A customer's upload on a channel that does not (or no longer) accept files: refused with an automated reply. */
const uploadRefused = (message: InboundSms, context: ConversationContext): boolean =>
  message.attachment !== undefined && context.channel.attachments?.customersCanSend === false;

/** One recorded, new customer message, applied to the conversation (the batch path's onInbound). */
async function applyInbound(conv: Conversation, message: InboundSms, context: ConversationContext): Promise<void> {
  const { carried: c, machine: m } = conv;
  const reopening = m.state === 'closed';
  const isNew = !m.data.routed && !m.data.withBot && m.state === 'open';
  // Only uploads ask (older histories have none, so they never reach this patch). The toggles are read again: an
  // admin may have switched them since this run loaded its context.
  if (message.attachment !== undefined && patched('attachment-refused')) {
    await loadContext(conv);
    if (uploadRefused(message, conv.context ?? context)) {
      await conv.enqueueAutomated('attachment_refused');
      if (isNew || reopening) await conv.closeConversation('auto_closed');
      else await conv.sync();
      return;
    }
  }
  const keyword = keywordOf(message);
  if (keyword) {
    if (keyword !== 'help') {
      // STOP/START arriving out of order: one older than the keyword that set the consent is recorded only.
      const at = positionOf(message);
      if (c.consentFrom && compareInbox(at, c.consentFrom) < 0) return;
      c.consentFrom = at;
    }
    await onKeyword(conv, keyword, isNew || reopening, message.referenceId);
    return;
  }
  await afterCustomerText(conv, message, reopening, isNew, context);
}

// ---------- bot ----------

async function botTurn(conv: Conversation, text: string, first: boolean): Promise<void> {
  const { carried: c, machine: m } = conv;
  const context = conv.context!;
  // The read model is current while the bot (a remote call) thinks. (Only inside a batch: an extra await here
  // would reorder the commands of older histories.)
  if (conv.deferred) await conv.flushDeferred();
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
    await conv.db.queueOutbound({
      messageId,
      conversationId: c.conversationId,
      direction: 'bot',
      text: reply,
      agentId: null,
    });
    conv.outbox.push({ messageId, bypassOptOut: false });
  };
  if (turn.action === 'reply') {
    await say(turn.text);
    return;
  }
  await say(turn.text);
  if (turn.action === 'end') {
    await conv.closeConversation('resolved');
    return;
  }
  // Escalate: routing runs again with what the bot collected.
  // A system note (no author): the agent sees why the bot handed over or was skipped. Older histories wrote none.
  const note =
    failure !== null
      ? `Bot skipped: ${failure}. The conversation was routed to an agent.`
      : patched('bot-escalation-note')
        ? `Bot handed over to an agent: ${turn.reason}.`
        : null;
  if (note) {
    await conv.db.queueOutbound({
      messageId: uuid4(),
      conversationId: c.conversationId,
      direction: 'note',
      text: note,
      agentId: null,
    });
  }
  m.botEscalated();
  c.botVariables = { ...c.botVariables, escalationReason: turn.reason };
  await conv.sync({ withBot: false });
  conv.armStateTimer();
  await conv.classifyAndQueue(c.botVariables.lastMessage ?? text);
}

import { uuid4 } from '@temporalio/workflow';
import type { Admission } from '../../activities/admission.js';
import type { OperatingState } from '../definitions.js';
import type { Conversation } from './conversation.js';

/*
 * Operating rules once a conversation has a queue (issue #16): operating hours (hold until the next opening on a
 * durable timer, out_of_hours once per closed period, or close), overflow (at routing and when the wait passes the
 * queue's threshold, on a durable timer) and the preferred agents distribution tries first. The clock and the
 * configuration are read by the admitToQueue activity; this code only acts on its recorded answer, so it stays
 * deterministic. Functions of Conversation. Runs that routed before `operating-rules` never get here.
 */

/** The patch id every command below is guarded by (conversation-routing.ts checks it once per routing). */
export const OPERATING_RULES_PATCH = 'operating-rules';

/** The timers this module owns. */
export const HOURS_TIMER = 'hours';
export const OVERFLOW_TIMER = 'overflow';

const initial = (rulePriority: number | null): OperatingState => ({
  rulePriority,
  held: false,
  preferredAgentIds: [],
  preferredAgentFallback: 'queue',
});

/** Waiting in the queue, unoffered: the only state the hours and overflow timers act in. */
const isQueued = (conv: Conversation) =>
  conv.machine.state === 'open' && !conv.machine.offer && !conv.machine.agentId && !conv.machine.data.withBot;

/** Just classified: apply hours and overflow, then (if it may) let distribution run. */
export async function admitAfterRouting(conv: Conversation, rulePriority: number | null): Promise<void> {
  // The wait (for the overflow threshold) starts with the customer's text that routed it, in workflow time.
  conv.carried.operating = {
    ...(conv.carried.operating ?? initial(rulePriority)),
    rulePriority,
    waitFrom: new Date().toISOString(),
  };
  await admit(conv, 'route');
}

async function admit(conv: Conversation, trigger: 'route' | 'opening' | 'wait'): Promise<void> {
  const { machine: m, carried: c } = conv;
  const op = c.operating!;
  const a: Admission = await conv.db.admitToQueue({
    conversationId: c.conversationId,
    queueId: m.data.queueId!,
    workstreamId: conv.context!.workstream.id,
    rulePriority: op.rulePriority,
    trigger,
    at: new Date().toISOString(),
    waitFrom: op.waitFrom ?? new Date().toISOString(),
  });
  if (a.queueId !== m.data.queueId) {
    // Overflow moved it to another queue: that queue's wait threshold counts from now.
    m.routedTo(a.queueId);
    op.waitFrom = new Date().toISOString();
  }
  op.preferredAgentIds = a.preferredAgentIds;
  op.preferredAgentFallback = a.preferredAgentFallback;
  if (!a.hours.open) {
    const period = a.hours.nextOpeningAt ?? 'never';
    if (op.outOfHoursNotified !== period) {
      op.outOfHoursNotified = period;
      await conv.enqueueAutomated('out_of_hours');
    }
    conv.timers.cancel(OVERFLOW_TIMER);
    if (a.outOfHoursAction === 'close') {
      op.held = false;
      await conv.closeConversation('auto_closed');
      return;
    }
    op.held = true;
    conv.timers.cancel('redistribute');
    // The next opening is an instant; the timer is durable and survives continue-as-new at its deadline.
    if (a.hours.nextOpeningAt) conv.timers.set(HOURS_TIMER, Date.parse(a.hours.nextOpeningAt) - Date.now());
    else conv.timers.cancel(HOURS_TIMER);
    await conv.sync();
    return;
  }
  op.held = false;
  conv.timers.cancel(HOURS_TIMER);
  if (a.overflow?.action === 'end') {
    conv.timers.cancel(OVERFLOW_TIMER);
    await conv.enqueueAutomated('overflow_end');
    await conv.closeConversation('auto_closed');
    return;
  }
  if (a.overflow?.action === 'wait_message') {
    // Told once for this wait: no wait-time timer until the customer's next routed text starts a new wait.
    conv.timers.cancel(OVERFLOW_TIMER);
    await say(conv, a.overflow.message);
  } else if (a.maxWaitMinutes !== null && op.waitFrom) {
    conv.timers.set(OVERFLOW_TIMER, Date.parse(op.waitFrom) + a.maxWaitMinutes * 60_000 - Date.now());
  } else conv.timers.cancel(OVERFLOW_TIMER);
  await conv.sync();
  conv.redistribute = true;
}

async function say(conv: Conversation, text: string): Promise<void> {
  if (conv.machine.data.optedOut) return;
  const messageId = uuid4();
  await conv.db.queueOutbound({
    messageId,
    conversationId: conv.conversationId,
    direction: 'automated',
    text,
    agentId: null,
  });
  conv.outbox.push({ messageId, bypassOptOut: false });
}

/** The hours or overflow timer fired. Returns whether the timer was one of ours. */
export async function onOperatingTimer(conv: Conversation, name: string): Promise<boolean> {
  if (name !== HOURS_TIMER && name !== OVERFLOW_TIMER) return false;
  const op = conv.carried.operating;
  if (!op) return true;
  if (!isQueued(conv) || !conv.context) {
    // It left the queue meanwhile (assigned, closed): nothing to wake, and no hold left behind.
    if (name === HOURS_TIMER) op.held = false;
    return true;
  }
  // The queue opened: the wait counts from now, not from the night before.
  if (name === HOURS_TIMER) op.waitFrom = new Date().toISOString();
  await admit(conv, name === HOURS_TIMER ? 'opening' : 'wait');
  return true;
}

/** Distribution waits while the conversation is held for operating hours. */
export const isHeld = (conv: Conversation): boolean =>
  conv.carried.operating?.held === true && conv.machine.state === 'open';

/**
 * The preferred agents, in order, presence- and capacity-aware (one reservation attempt each, like keep-same-agent).
 * Returns the agent that took it, `wait` when none could and the fallback is to wait for them, or null (go on with
 * the queue's method).
 */
export async function tryPreferredAgents(
  conv: Conversation,
  reserve: (agentId: string) => Promise<{ agentId: string } | null>,
  skip: string[],
): Promise<{ agentId: string } | 'wait' | null> {
  const op = conv.carried.operating;
  if (!op || op.preferredAgentIds.length === 0) return null;
  for (const agentId of op.preferredAgentIds) {
    if (skip.includes(agentId)) continue;
    const agent = await reserve(agentId);
    if (agent) return agent;
  }
  return op.preferredAgentFallback === 'wait' ? 'wait' : null;
}

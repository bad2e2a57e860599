import {
  DEFAULT_OFFER_TIMEOUT_SECONDS,
  offerTimeoutMs,
  onStateTimerExpiry,
  stateTimer,
} from '../../domain/timer-policy.js';
import type { Conversation } from './conversation.js';
import * as operatingRules from './conversation-operating-rules.js';

/*
 * The conversation's durable timers: picking them up after continue-as-new, acting on one that fired (each module's
 * timers go to their owner: operating rules, the offer, redistribution, service levels, the state timer) and arming
 * the state timer as domain/timer-policy.ts says. Functions of Conversation, which delegates here.
 */

/** A run continued from an earlier one picks its timers up where they were. */
export function resumeTimers(conv: Conversation): void {
  const carried = conv.input.carried;
  if (carried?.timers) {
    // A continued run resumes its timers at their deadlines: continue-as-new never restarts a timer.
    conv.timers.restore(carried.timers);
    if (!conv.machine.offer) conv.redistribute = true;
  } else if (carried) {
    // Carried by older code (no deadlines): timers start afresh (a little longer, never shorter).
    conv.armStateTimer();
    if (conv.machine.offer) {
      conv.timers.set(
        'offer',
        offerTimeoutMs(conv.context?.workstream.offerTimeoutSeconds ?? DEFAULT_OFFER_TIMEOUT_SECONDS),
      );
    } else conv.redistribute = true;
  }
}

export async function onTimer(conv: Conversation, name: string): Promise<void> {
  if (await operatingRules.onOperatingTimer(conv, name)) return;
  if (name === 'offer') {
    if (conv.machine.offer) await conv.declineOffer('timed_out');
    return;
  }
  if (name === 'redistribute') {
    conv.redistribute = true;
    return;
  }
  if (await conv.service.onTimer(name)) return;
  if (name !== 'state') return;
  switch (onStateTimerExpiry(conv.machine.state)) {
    case 'auto_close':
      await conv.closeConversation('auto_closed', conv.machine.agentId ? [conv.machine.agentId] : []);
      break;
    case 'close_resolved':
      await conv.closeConversation('resolved');
      break;
    case 'complete':
      conv.complete = true;
      break;
  }
}

export function armStateTimer(conv: Conversation): void {
  if (conv.deferred) {
    conv.deferred.arm = true;
    return;
  }
  const d = conv.machine.data;
  const timer = stateTimer({
    state: d.state,
    withBot: d.withBot,
    resolution: d.resolution,
    settings: conv.context?.workstream,
  });
  if ('arm' in timer) {
    if (conv.lean) conv.timers.extend('state', timer.arm);
    else conv.timers.set('state', timer.arm);
  } else {
    conv.timers.cancel('state');
    conv.complete = true;
  }
}

import { patched, uuid4 } from '@temporalio/workflow';
import { offerTimeoutMs, REDISTRIBUTE_FIRST_MS, redistributeTick } from '../../domain/timer-policy.js';
import { remoteDb } from './activity-options.js';
import type { Conversation } from './conversation.js';
import * as rules from './conversation-operating-rules.js';

/*
 * Routing and push distribution: classify a text into a queue, offer the conversation to an eligible agent (or wait
 * for one on a jittered, backing-off tick), take a declined, timed-out or withdrawn offer back, and give back held
 * capacity. Functions of Conversation, which delegates here.
 */

export async function classifyAndQueue(conv: Conversation, text: string): Promise<void> {
  const context = conv.context!;
  const decision = await conv.db.classify({
    conversationId: conv.conversationId,
    workstreamId: context.workstream.id,
    defaultQueueId: context.workstream.defaultQueueId,
    text,
    customerNumber: conv.input.customerNumber,
    supportNumber: conv.input.supportNumber,
    language: context.channel.language,
    botVariables: conv.carried.botVariables,
    notifyQueueMembers: context.workstream.distributionMode === 'pick',
  });
  conv.machine.routedTo(decision.queueId);
  conv.carried.skills = decision.skills;
  // Versioned change (#16): hours, overflow and priority apply once the queue is known.
  if (patched(rules.OPERATING_RULES_PATCH)) {
    await rules.admitAfterRouting(conv, decision.rulePriority ?? null);
    return;
  }
  await conv.sync();
  conv.redistribute = true;
}

export async function distribute(conv: Conversation): Promise<void> {
  const { context, machine: m, carried: c } = conv;
  const d = m.data;
  if (!context || m.state !== 'open' || m.offer || d.withBot || !d.queueId) return;
  if (context.workstream.distributionMode !== 'push') return;
  if (rules.isHeld(conv)) return; // outside operating hours: the hours timer wakes it at the opening
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
    agent = await conv.db.reserveAgent({
      ...base,
      reservationKey: key,
      excludeAgentIds: [],
      onlyAgentId: d.previousAgentId,
    });
  }
  // Preferred agents (runs routed with operating rules only): in order, before the queue's method.
  let waitForPreferred = false;
  if (!agent && c.operating) {
    const preferred = await rules.tryPreferredAgents(
      conv,
      (agentId) => conv.db.reserveAgent({ ...base, reservationKey: key, excludeAgentIds: [], onlyAgentId: agentId }),
      conv.skipDecliners ? [...new Set([...exhausted, ...decliners])] : exhausted,
    );
    if (preferred === 'wait') waitForPreferred = true;
    else agent = preferred;
  }
  if (!waitForPreferred)
    agent ??= await conv.db.reserveAgent({
      ...base,
      reservationKey: key,
      excludeAgentIds: conv.skipDecliners ? [...new Set([...exhausted, ...decliners])] : exhausted,
    });
  conv.skipDecliners = false;
  if (!agent) {
    // Nobody eligible: wait in the queue for a presence/capacity signal, with a slow, jittered fallback tick
    // (the workflow's seeded, replay-safe Math.random).
    if (!conv.timers.isSet('redistribute')) {
      const tick = redistributeTick(c.redistributeMs, Math.random());
      conv.timers.set('redistribute', tick.delayMs);
      c.redistributeMs = tick.nextMs;
    }
    return;
  }
  conv.timers.cancel('redistribute');
  c.redistributeMs = REDISTRIBUTE_FIRST_MS;
  const offerId = uuid4();
  m.offerTo({ offerId, agentId: agent.agentId, reservationKey: key });
  if (w.autoAccept) {
    m.accept(agent.agentId);
    await conv.sync();
    conv.armStateTimer();
    return;
  }
  await conv.db.recordOffer({
    offerId,
    conversationId: c.conversationId,
    agentId: agent.agentId,
    expiresInSeconds: w.offerTimeoutSeconds,
  });
  conv.timers.set('offer', offerTimeoutMs(w.offerTimeoutSeconds));
  conv.upsertAttributes();
}

export async function declineOffer(conv: Conversation, outcome: 'rejected' | 'timed_out'): Promise<void> {
  const offer = conv.machine.offer;
  if (!offer) return;
  conv.timers.cancel('offer');
  await conv.db.resolveOffer({ offerId: offer.offerId, conversationId: conv.conversationId, outcome });
  conv.machine.decline();
  await conv.db.releaseCapacity({ reservationKey: offer.reservationKey });
  await conv.sync({}, [offer.agentId]);
  conv.skipDecliners = true;
  conv.redistribute = true;
}

/** Gives back the capacity the conversation holds and tells the freed queues. */
export async function releaseHeldCapacity(conv: Conversation): Promise<void> {
  const key = conv.machine.data.reservationKey;
  if (!key) return;
  const released = await conv.db.releaseCapacity({ reservationKey: key });
  conv.machine.capacityReleased();
  if (released) await remoteDb.nudgeQueues({ queueIds: released.queueIds, limit: 5 });
}

/** Takes back an open offer (the conversation is picked, assigned or closed another way). */
export async function withdrawOffer(conv: Conversation): Promise<void> {
  const offer = conv.machine.offer;
  if (!offer) return;
  conv.timers.cancel('offer');
  await conv.db.resolveOffer({ offerId: offer.offerId, conversationId: conv.conversationId, outcome: 'withdrawn' });
  conv.machine.decline();
  await conv.db.releaseCapacity({ reservationKey: offer.reservationKey });
}

import { ApplicationFailure, patched, uuid4 } from '@temporalio/workflow';
import type { Actor } from '../../domain/conversation-machine.js';
import { offerTimeoutMs } from '../../domain/timer-policy.js';
import { FailureTypes, type SendAck, type UpdateAck } from '../definitions.js';
import type { Conversation } from './conversation.js';

/*
 * What agents and supervisors do to a conversation (Temporal updates). Each runs under the conversation's lock
 * after its validator (the machine's check) passed again; functions of Conversation, which delegates here.
 */

export async function accept(conv: Conversation, a: Actor): Promise<UpdateAck> {
  const offer = conv.machine.offer!;
  conv.timers.cancel('offer');
  await conv.db.resolveOffer({ offerId: offer.offerId, conversationId: conv.conversationId, outcome: 'accepted' });
  conv.machine.accept(a.userId);
  await conv.sync();
  conv.armStateTimer();
  return conv.ack();
}

export async function reject(conv: Conversation): Promise<UpdateAck> {
  await conv.declineOffer('rejected');
  return conv.ack();
}

export async function pick(conv: Conversation, a: Actor): Promise<UpdateAck> {
  const m = conv.machine;
  const w = conv.context?.workstream;
  const key = `${conv.conversationId}:${uuid4()}`;
  if (m.state === 'open') {
    if (!(await conv.db.isQueueMember({ queueId: m.data.queueId ?? '', agentId: a.userId })) && a.role === 'agent') {
      throw ApplicationFailure.create({
        type: FailureTypes.NotYours,
        message: 'you are not a member of this conversation’s queue',
      });
    }
    await conv.withdrawOffer();
  }
  const units = w?.capacityUnits ?? 1;
  const reserved = await conv.db.reserveAgent({
    reservationKey: key,
    conversationId: conv.conversationId,
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
    await conv.db.forceReserve({ reservationKey: key, conversationId: conv.conversationId, agentId: a.userId, units });
  }
  m.assignTo(a.userId, key);
  await conv.sync();
  conv.armStateTimer();
  return conv.ack();
}

/** The send validator: the machine's check, and never to a customer who opted out. */
export function checkSend(conv: Conversation, a: Actor, body: { text: string }): void {
  conv.machine.checkSend(a, body.text);
  if (conv.machine.data.optedOut) {
    throw ApplicationFailure.create({
      type: FailureTypes.OptedOut,
      message: 'opted_out',
      details: [{ detail: 'opted_out' }],
    });
  }
}

export async function send(conv: Conversation, a: Actor, body: { text: string }): Promise<SendAck> {
  const messageId = uuid4();
  await conv.db.queueOutbound({
    messageId,
    conversationId: conv.conversationId,
    direction: 'outbound',
    text: body.text,
    agentId: a.userId,
  });
  conv.outbox.push({ messageId, bypassOptOut: false });
  await conv.service.onAgentReply(a.userId);
  if (conv.machine.state === 'active') conv.armStateTimer();
  return { ...conv.ack(), messageId };
}

export async function wait(conv: Conversation): Promise<UpdateAck> {
  await conv.releaseHeldCapacity();
  conv.machine.wait();
  await conv.sync();
  conv.armStateTimer();
  return conv.ack();
}

export async function end(conv: Conversation): Promise<UpdateAck> {
  conv.machine.end();
  // "Block capacity for wrap-up" off (our SMS default): the agent is free for new work while wrapping up.
  if (!conv.context?.workstream.blockCapacityForWrapUp) await conv.releaseHeldCapacity();
  await conv.enqueueAutomated('agent_ended_conversation');
  await conv.sync();
  conv.armStateTimer();
  return conv.ack();
}

export async function close(conv: Conversation): Promise<UpdateAck> {
  await conv.closeConversation('resolved');
  return conv.ack();
}

async function transferByOffer(conv: Conversation, a: Actor, agentId: string): Promise<UpdateAck> {
  const m = conv.machine;
  const w = conv.context?.workstream;
  const queueId = m.data.queueId;
  const refuse = (message: string) =>
    ApplicationFailure.create({ type: FailureTypes.InvalidTransition, message, details: [{ state: m.state }] });
  if (!w || !queueId) throw refuse('this conversation has no queue whose members it could be transferred to');
  if (agentId === a.userId) throw refuse('you cannot transfer a conversation to yourself');
  const previous = m.agentId;
  const key = `${conv.conversationId}:${uuid4()}`;
  const reserved = await conv.db.reserveAgent({
    reservationKey: key,
    conversationId: conv.conversationId,
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
  await conv.releaseHeldCapacity();
  const offerId = uuid4();
  m.offerTransfer({ offerId, agentId, reservationKey: key });
  if (w.autoAccept) {
    m.accept(agentId);
  } else {
    await conv.db.recordOffer({
      offerId,
      conversationId: conv.conversationId,
      agentId,
      expiresInSeconds: w.offerTimeoutSeconds,
    });
    conv.timers.set('offer', offerTimeoutMs(w.offerTimeoutSeconds));
  }
  await conv.sync({}, previous ? [previous] : []);
  conv.armStateTimer();
  return conv.ack();
}

export async function transfer(
  conv: Conversation,
  a: Actor,
  target: { queueId?: string; agentId?: string },
): Promise<UpdateAck> {
  const m = conv.machine;
  const previous = m.agentId;
  const units = conv.context?.workstream.capacityUnits ?? 1;
  conv.service.transferStarted();
  // Agents transfer by offer, to a member of the conversation's queue in an allowed presence with free capacity;
  // supervisors (below) still assign directly. Runs that started before this change keep the direct booking.
  if (target.agentId && a.role === 'agent' && patched('transfer-agent-offer')) {
    return transferByOffer(conv, a, target.agentId);
  }
  if (target.agentId) {
    const key = `${conv.conversationId}:${uuid4()}`;
    await conv.db.forceReserve({
      reservationKey: key,
      conversationId: conv.conversationId,
      agentId: target.agentId,
      units,
    });
    await conv.releaseHeldCapacity();
    m.assignTo(target.agentId, key);
    await conv.sync({}, previous ? [previous] : []);
    conv.armStateTimer();
    return conv.ack();
  }
  if (!(await conv.db.queueExists({ queueId: target.queueId! }))) {
    throw ApplicationFailure.create({
      type: FailureTypes.NotFound,
      message: `queue ${target.queueId} does not exist`,
    });
  }
  await conv.releaseHeldCapacity();
  m.requeue(target.queueId!);
  await conv.sync({}, previous ? [previous] : []);
  conv.armStateTimer();
  conv.skipDecliners = false;
  conv.redistribute = true;
  return conv.ack();
}

export async function assign(conv: Conversation, target: { agentId: string }): Promise<UpdateAck> {
  const m = conv.machine;
  const previous = m.agentId;
  const key = `${conv.conversationId}:${uuid4()}`;
  await conv.db.forceReserve({
    reservationKey: key,
    conversationId: conv.conversationId,
    agentId: target.agentId,
    units: conv.context?.workstream.capacityUnits ?? 1,
  });
  await conv.withdrawOffer();
  await conv.releaseHeldCapacity();
  m.assignTo(target.agentId, key);
  conv.timers.cancel('redistribute');
  await conv.sync({}, previous && previous !== target.agentId ? [previous] : []);
  conv.armStateTimer();
  return conv.ack();
}

export async function forceClose(conv: Conversation): Promise<UpdateAck> {
  await conv.closeConversation('force_closed', conv.machine.agentId ? [conv.machine.agentId] : []);
  return conv.ack();
}

export async function note(conv: Conversation, a: Actor, body: { text: string }): Promise<SendAck> {
  const messageId = uuid4();
  await conv.db.queueOutbound({
    messageId,
    conversationId: conv.conversationId,
    direction: 'note',
    text: body.text,
    agentId: a.userId,
  });
  return { ...conv.ack(), messageId };
}

import { ApplicationFailure, patched, uuid4, workflowInfo } from '@temporalio/workflow';
import { type Actor, checkText } from '../../domain/conversation-machine.js';
import { type AgentStart, FailureTypes, type SendAck } from '../definitions.js';
import type { Conversation } from './conversation.js';
import { send } from './conversation-agent-actions.js';
import { loadContext } from './conversation-inbound.js';

/*
 * An agent texts a customer first (update startByAgent, through updateWithStart: a new run when none is open). The
 * conversation is assigned to the agent without routing or an offer, and the text takes the ordinary send path
 * (outbox, retries, delivery reports). New in this version: histories without this update never reach this code.
 */

/** Validator, synchronous: the machine's rules; consent is checked again under the lock once the context is loaded. */
export function checkStartByAgent(conv: Conversation, a: Actor, body: AgentStart): void {
  conv.machine.checkStartByAgent(a);
  checkText(body.text);
  if (conv.carried.contextLoaded && conv.machine.data.optedOut) throw optedOut();
}

const optedOut = () =>
  ApplicationFailure.create({ type: FailureTypes.OptedOut, message: 'opted_out', details: [{ detail: 'opted_out' }] });

export async function startByAgent(conv: Conversation, a: Actor, body: AgentStart): Promise<SendAck> {
  patched('agent-started-conversation');
  const { machine: m, input } = conv;
  // A run that exists only for this update (updateWithStart) ends at once when the update is refused.
  const fresh = !m.data.routed && !m.data.withBot && m.state === 'open' && !m.offer;
  try {
    if (!conv.carried.contextLoaded || m.state === 'closed') await loadContext(conv);
    const context = conv.context;
    if (!context) {
      throw ApplicationFailure.create({
        type: FailureTypes.NotFound,
        message: `no SMS channel serves ${input.supportNumber}`,
        details: [{ detail: `no SMS channel serves ${input.supportNumber}`, field: 'supportNumber' }],
      });
    }
    if (m.data.optedOut) throw optedOut();
    if (!(m.state === 'active' && m.agentId === a.userId)) {
      await conv.db.openAgentConversation({
        conversationId: conv.conversationId,
        workflowId: conv.workflowId,
        runId: workflowInfo().firstExecutionRunId,
        accountId: input.accountId,
        supportNumber: input.supportNumber,
        customerNumber: input.customerNumber,
        channel: {
          workstreamId: context.workstream.id,
          channelId: context.channel.id,
          language: context.channel.language,
        },
      });
      const previous = m.agentId;
      if (m.state === 'closed') m.reopenForAgent();
      await conv.withdrawOffer();
      if (m.data.withBot) m.botEscalated();
      await conv.releaseHeldCapacity();
      const key = `${conv.conversationId}:${uuid4()}`;
      // The agent chose to take this on: booked like a supervisor's assignment (capacity may go past the limit).
      await conv.db.forceReserve({
        reservationKey: key,
        conversationId: conv.conversationId,
        agentId: a.userId,
        units: context.workstream.capacityUnits,
      });
      m.routedTo(body.queueId);
      m.assignTo(a.userId, key);
      conv.service.agentStarted(a.userId);
      conv.timers.cancel('redistribute');
      await conv.sync({}, previous && previous !== a.userId ? [previous] : []);
      conv.armStateTimer();
    }
  } catch (err) {
    if (fresh && m.state === 'open' && !m.agentId) conv.complete = true;
    throw err;
  }
  return send(conv, a, { text: body.text });
}

import type { Db } from '../db/client.js';
import { type ConversationContext, conversationContextActivity } from './conversation-context.js';
import { type RecordedInbound, type RecordInboundBatchInput, recordInboundBatchActivity } from './record-inbound.js';

export type RecordInboundTurnInput = Omit<RecordInboundBatchInput, 'channel'> & {
  /** Load the conversation's context first (a new run, or a reopen) and record under its channel. */
  loadContext: boolean;
  /** The channel to record under when the context is not loaded here (the run's own). */
  channel: RecordInboundBatchInput['channel'];
};

export type RecordedInboundTurn = {
  /** The freshly loaded context when `loadContext` was asked (null: no channel serves the number any more). */
  context?: ConversationContext | null;
  recorded: RecordedInbound[];
};

/**
 * The database work of an inbound workflow task in one local activity: the context load it needs (first message of
 * a run, reopen) and the batch recording. Each local activity costs the worker an activation and a marker event, so
 * a new conversation's first task saves one of each. Idempotent as its two parts are: the load only reads, the
 * recording is keyed by TeleSign's reference ids.
 */
export function recordInboundTurnActivity(db: Db) {
  const loadConversationContext = conversationContextActivity(db);
  const recordInboundBatch = recordInboundBatchActivity(db);
  return async function recordInboundTurn(input: RecordInboundTurnInput): Promise<RecordedInboundTurn> {
    const { loadContext, channel, ...batch } = input;
    if (!loadContext) return { recorded: await recordInboundBatch({ ...batch, channel }) };
    const context = await loadConversationContext({
      accountId: input.accountId,
      supportNumber: input.supportNumber,
      customerNumber: input.customerNumber,
    });
    const loaded = context
      ? { workstreamId: context.workstream.id, channelId: context.channel.id, language: context.channel.language }
      : null;
    return { context, recorded: await recordInboundBatch({ ...batch, channel: loaded }) };
  };
}

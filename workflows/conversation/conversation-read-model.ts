import { upsertSearchAttributes } from '@temporalio/workflow';
import type { ConversationPatch } from '../../activities/read-model.js';
import { AgentIdKey, ConversationStateKey, QueueIdKey } from '../../temporal/search-attributes.js';
import type { Conversation } from './conversation.js';

/*
 * What the world sees of the conversation: the read model (the conversations row and its live events, written by the
 * syncConversation activity) and the run's search attributes. While a batch is applied the syncs are deferred and
 * written once at its end. Functions of Conversation, which delegates here.
 */

export function upsertAttributes(conv: Conversation): void {
  const d = conv.machine.data;
  const key = `${d.state}|${d.queueId}|${d.agentId}`;
  if (key === conv.lastAttributes) return;
  conv.lastAttributes = key;
  upsertSearchAttributes([
    { key: ConversationStateKey, value: d.state },
    { key: QueueIdKey, value: d.queueId },
    { key: AgentIdKey, value: d.agentId ?? d.offer?.agentId ?? null },
  ]);
}

export async function sync(conv: Conversation, extra: ConversationPatch = {}, notify: string[] = []): Promise<void> {
  if (conv.deferred) {
    // The only extra ever passed (withBot) mirrors the machine, which the flush writes anyway.
    conv.deferred.dirty = true;
    for (const n of notify) conv.deferred.notify.add(n);
    return;
  }
  await conv.service.observe();
  const d = conv.machine.data;
  await conv.db.syncConversation({
    conversationId: conv.carried.conversationId,
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
  conv.upsertAttributes();
}

/** Writes what a batch deferred: one read-model sync and one state timer for the whole batch. */
export async function flushDeferred(conv: Conversation): Promise<void> {
  const d = conv.deferred;
  if (!d) return;
  conv.deferred = null;
  if (d.dirty) await conv.sync({}, [...d.notify]);
  if (d.arm) conv.armStateTimer();
  conv.deferred = { dirty: false, notify: new Set(), arm: false };
}

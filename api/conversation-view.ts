import { and, asc, eq } from 'drizzle-orm';
import type { Config } from '../config/env.js';
import type { Db } from '../db/client.js';
import { consents, conversations, messages } from '../db/schema/index.js';
import { temporalUiUrl } from '../temporal/ids.js';

/** The contract's Conversation shape, built from the Postgres read model. */
export async function loadConversationView(
  db: Db,
  config: Pick<Config, 'TEMPORAL_UI_URL' | 'TEMPORAL_NAMESPACE'>,
  id: string,
  options: { withMessages?: boolean } = { withMessages: true },
) {
  const conv = await db.query.conversations.findFirst({ where: eq(conversations.id, id) });
  if (!conv) return null;
  const [consent, msgs] = await Promise.all([
    db.query.consents.findFirst({
      where: and(eq(consents.supportNumber, conv.supportNumber), eq(consents.customerNumber, conv.customerNumber)),
    }),
    options.withMessages === false
      ? Promise.resolve([])
      : db.query.messages.findMany({
          where: eq(messages.conversationId, id),
          orderBy: [asc(messages.createdAt), asc(messages.id)],
        }),
  ]);
  return {
    id: conv.id,
    state: conv.state,
    resolution: conv.resolution,
    accountId: conv.accountId,
    workstreamId: conv.workstreamId,
    queueId: conv.queueId,
    agentId: conv.agentId,
    offeredAgentId: conv.offeredAgentId,
    priority: conv.priority,
    skills: conv.skills,
    customerNumber: conv.customerNumber,
    supportNumber: conv.supportNumber,
    language: conv.language,
    customer: {
      number: conv.customerNumber,
      optedOut: consent?.optedOut ?? false,
      consentSource: consent?.source ?? null,
      consentChangedAt: consent?.changedAt.toISOString() ?? null,
    },
    routingTrace: conv.routingTrace,
    createdAt: conv.createdAt.toISOString(),
    updatedAt: conv.updatedAt.toISOString(),
    closedAt: conv.closedAt?.toISOString() ?? null,
    workflow: {
      workflowId: conv.workflowId,
      runId: conv.runId,
      uiUrl: temporalUiUrl(config.TEMPORAL_UI_URL, config.TEMPORAL_NAMESPACE, conv.workflowId, conv.runId),
    },
    messages: msgs.map(messageView),
  };
}

export function messageView(m: typeof messages.$inferSelect) {
  return {
    id: m.id,
    direction: m.direction,
    text: m.text,
    status: m.status,
    providerStatusCode: m.providerStatusCode,
    providerReferenceId: m.providerReferenceId,
    segments: m.segments,
    encoding: m.encoding,
    agentId: m.agentId,
    error: m.error,
    flags: m.flags,
    createdAt: m.createdAt.toISOString(),
  };
}

export type ConversationView = NonNullable<Awaited<ReturnType<typeof loadConversationView>>>;

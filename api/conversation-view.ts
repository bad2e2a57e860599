import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Config } from '../config/env.js';
import type { Db } from '../db/client.js';
import { consents, conversations, messages } from '../db/schema/index.js';
import { temporalUiUrl } from '../temporal/ids.js';
import { slaStatusView } from './resources/service-levels/sla-view.js';

type ViewConfig = Pick<Config, 'TEMPORAL_UI_URL' | 'TEMPORAL_NAMESPACE'>;
type ConversationRow = typeof conversations.$inferSelect;
type ConsentRow = typeof consents.$inferSelect;
type MessageRow = typeof messages.$inferSelect;

/** The contract's Conversation shape, built from the Postgres read model (with the full transcript). */
export async function loadConversationView(
  db: Db,
  config: ViewConfig,
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
          orderBy: [asc(messages.createdAt), asc(messages.seq)],
        }),
  ]);
  return { ...conversationFields(conv, consent, config), messages: msgs.map(messageView) };
}

/**
 * List items: every Conversation field except the transcript, which is replaced by `lastMessage` and
 * `messageCount` so a page of 50 does not carry 50 transcripts. Rows keep their order.
 */
export async function loadConversationSummaries(db: Db, config: ViewConfig, rows: ConversationRow[]) {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [consentRows, lastMessages, counts] = await Promise.all([
    db
      .select()
      .from(consents)
      .where(
        sql`(${consents.supportNumber}, ${consents.customerNumber}) in (${sql.join(
          rows.map((r) => sql`(${r.supportNumber}, ${r.customerNumber})`),
          sql`, `,
        )})`,
      ),
    db
      .selectDistinctOn([messages.conversationId])
      .from(messages)
      .where(inArray(messages.conversationId, ids))
      .orderBy(messages.conversationId, desc(messages.createdAt), desc(messages.seq)),
    db
      .select({ conversationId: messages.conversationId, n: sql<number>`count(*)::int` })
      .from(messages)
      .where(inArray(messages.conversationId, ids))
      .groupBy(messages.conversationId),
  ]);
  const consentOf = new Map(consentRows.map((c) => [`${c.supportNumber}|${c.customerNumber}`, c]));
  const lastOf = new Map(lastMessages.map((m) => [m.conversationId, m]));
  const countOf = new Map(counts.map((c) => [c.conversationId, c.n]));
  return rows.map((conv) => {
    const last = lastOf.get(conv.id);
    return {
      ...conversationFields(conv, consentOf.get(`${conv.supportNumber}|${conv.customerNumber}`), config),
      lastMessage: last ? messageView(last) : null,
      messageCount: countOf.get(conv.id) ?? 0,
    };
  });
}

function conversationFields(conv: ConversationRow, consent: ConsentRow | undefined, config: ViewConfig) {
  return {
    id: conv.id,
    state: conv.state,
    resolution: conv.resolution,
    accountId: conv.accountId,
    workstreamId: conv.workstreamId,
    channelId: conv.channelId,
    queueId: conv.queueId,
    agentId: conv.agentId,
    offeredAgentId: conv.offeredAgentId,
    offerExpiresAt: conv.offerExpiresAt?.toISOString() ?? null,
    priority: conv.priority,
    skills: conv.skills,
    customerNumber: conv.customerNumber,
    supportNumber: conv.supportNumber,
    language: conv.language,
    withBot: conv.withBot,
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
    lastCustomerMessageAt: conv.lastCustomerMessageAt?.toISOString() ?? null,
    workflow: {
      workflowId: conv.workflowId,
      runId: conv.runId,
      uiUrl: temporalUiUrl(config.TEMPORAL_UI_URL, config.TEMPORAL_NAMESPACE, conv.workflowId, conv.runId),
    },
    sla: slaStatusView(conv),
  };
}

export function messageView(m: MessageRow) {
  return {
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    text: m.text,
    status: m.status,
    providerStatusCode: m.providerStatusCode,
    providerStatusText: m.providerStatusText,
    providerReferenceId: m.providerReferenceId,
    segments: m.segments,
    encoding: m.encoding,
    agentId: m.agentId,
    error: m.error,
    flags: m.flags,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

export type ConversationView = NonNullable<Awaited<ReturnType<typeof loadConversationView>>>;
export type ConversationSummary = Awaited<ReturnType<typeof loadConversationSummaries>>[number];
export type MessageView = ReturnType<typeof messageView>;

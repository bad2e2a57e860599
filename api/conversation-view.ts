import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Config } from '../config/env.js';
import type { Db } from '../db/client.js';
import { consents, conversations, messages, users } from '../db/schema/index.js';
import { temporalUiUrl } from '../temporal/ids.js';
import { allowedActionsFor, type Viewer } from './allowed-actions.js';
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
  viewer: Viewer,
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
  const [names, actions] = await Promise.all([
    authorNames(db, msgs),
    allowedActionsFor(db, viewer, [{ ...conv, optedOut: consent?.optedOut ?? false }]),
  ]);
  return {
    ...conversationFields(conv, consent, config),
    allowedActions: actions.get(conv.id) ?? [],
    messages: msgs.map((m) => messageView(m, names)),
  };
}

/** The names of the agents who wrote the messages (one query), so the transcript says who wrote what. */
async function authorNames(db: Db, msgs: MessageRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(msgs.map((m) => m.agentId).filter((x): x is string => !!x))];
  if (!ids.length) return new Map();
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * List items: every Conversation field except the transcript, which is replaced by `lastMessage` and
 * `messageCount` so a page of 50 does not carry 50 transcripts. Rows keep their order.
 */
export async function loadConversationSummaries(db: Db, config: ViewConfig, rows: ConversationRow[], viewer: Viewer) {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [consentRows, lastMessages, lastInbound, counts] = await Promise.all([
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
    // The list preview is what the customer said last, not our greeting.
    db
      .selectDistinctOn([messages.conversationId])
      .from(messages)
      .where(and(inArray(messages.conversationId, ids), eq(messages.direction, 'inbound')))
      .orderBy(messages.conversationId, desc(messages.createdAt), desc(messages.seq)),
    db
      .select({
        conversationId: messages.conversationId,
        n: sql<number>`count(*)::int`,
        inbound: sql<number>`(count(*) filter (where ${messages.direction} = 'inbound'))::int`,
      })
      .from(messages)
      .where(inArray(messages.conversationId, ids))
      .groupBy(messages.conversationId),
  ]);
  const consentOf = new Map(consentRows.map((c) => [`${c.supportNumber}|${c.customerNumber}`, c]));
  const lastOf = new Map(lastMessages.map((m) => [m.conversationId, m]));
  const lastInboundOf = new Map(lastInbound.map((m) => [m.conversationId, m]));
  const countOf = new Map(counts.map((c) => [c.conversationId, c]));
  const optedOut = (conv: ConversationRow) =>
    consentOf.get(`${conv.supportNumber}|${conv.customerNumber}`)?.optedOut ?? false;
  const actions = await allowedActionsFor(
    db,
    viewer,
    rows.map((conv) => ({ ...conv, optedOut: optedOut(conv) })),
  );
  return rows.map((conv) => {
    const last = lastOf.get(conv.id);
    const lastIn = lastInboundOf.get(conv.id);
    return {
      ...conversationFields(conv, consentOf.get(`${conv.supportNumber}|${conv.customerNumber}`), config),
      allowedActions: actions.get(conv.id) ?? [],
      lastMessage: last ? messageView(last) : null,
      lastCustomerMessage: lastIn ? messageView(lastIn) : null,
      messageCount: countOf.get(conv.id)?.n ?? 0,
      customerMessageCount: countOf.get(conv.id)?.inbound ?? 0,
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

export function messageView(m: MessageRow, authors?: Map<string, string>) {
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
    agentName: m.agentId ? (authors?.get(m.agentId) ?? null) : null,
    error: m.error,
    flags: m.flags,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

export type ConversationView = NonNullable<Awaited<ReturnType<typeof loadConversationView>>>;
export type ConversationSummary = Awaited<ReturnType<typeof loadConversationSummaries>>[number];
export type MessageView = ReturnType<typeof messageView>;

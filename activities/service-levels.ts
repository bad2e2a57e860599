import { count, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { publishConversationEvent } from '../db/events.js';
import { conversations, csatSurveys, queueMembers, slaMeasurements, slaPolicies } from '../db/schema/index.js';
import type { SlaKind, SlaPolicy } from '../domain/sla.js';

/** The read-model columns of each clock (db/schema/conversations.ts). */
const COLUMNS = {
  first_response: {
    due: 'slaFirstResponseDueAt',
    warned: 'slaFirstResponseWarnedAt',
    breached: 'slaFirstResponseBreachedAt',
  },
  next_response: {
    due: 'slaNextResponseDueAt',
    warned: 'slaNextResponseWarnedAt',
    breached: 'slaNextResponseBreachedAt',
  },
  resolution: { due: 'slaResolutionDueAt', warned: 'slaResolutionWarnedAt', breached: 'slaResolutionBreachedAt' },
} as const;

export type SlaEventInput = {
  conversationId: string;
  kind: SlaKind;
  /** started: the clock runs (due set); warning/breached: a threshold passed; met: the clock stopped by a response
   *  or resolution (measured); stopped: it stopped without one (closed, transferred away from its queue). */
  event: 'started' | 'warning' | 'breached' | 'met' | 'stopped';
  /** Workflow time of the event and of the clock's start (ISO). */
  at: string;
  startedAt: string;
  targetSeconds: number | null;
  queueId: string | null;
  agentId: string | null;
};

/**
 * Service levels and CSAT, written for the workflow. Every write sets absolute values or is keyed by the workflow's
 * ids, so a retried activity changes nothing twice.
 */
export function serviceLevelActivities(db: Db) {
  async function loadSlaPolicy(input: { queueId: string }): Promise<SlaPolicy | null> {
    const row = await db.query.slaPolicies.findFirst({ where: eq(slaPolicies.queueId, input.queueId) });
    if (!row) return null;
    return {
      firstResponseSeconds: row.firstResponseSeconds,
      nextResponseSeconds: row.nextResponseSeconds,
      resolutionSeconds: row.resolutionSeconds,
      warningPercent: row.warningPercent,
    };
  }

  async function recordSlaEvent(input: SlaEventInput): Promise<void> {
    const cols = COLUMNS[input.kind];
    const at = new Date(input.at);
    const started = new Date(input.startedAt);
    const due = input.targetSeconds === null ? null : new Date(started.getTime() + input.targetSeconds * 1000);
    const set: Record<string, unknown> = {};
    switch (input.event) {
      case 'started':
        Object.assign(set, { [cols.due]: due, [cols.warned]: null, [cols.breached]: null });
        break;
      case 'warning':
        set[cols.warned] = at;
        break;
      case 'breached':
        set[cols.breached] = at;
        break;
      case 'met':
      case 'stopped':
        set[cols.due] = null;
        break;
    }
    if (input.event === 'met' && input.kind === 'first_response') set.firstResponseAt = at;
    await db.transaction(async (tx) => {
      const [row] = await tx
        .update(conversations)
        .set(set)
        .where(eq(conversations.id, input.conversationId))
        .returning({ agentId: conversations.agentId, offeredAgentId: conversations.offeredAgentId });
      if (input.event === 'met') {
        const seconds = Math.max(0, (at.getTime() - started.getTime()) / 1000);
        await tx
          .insert(slaMeasurements)
          .values({
            conversationId: input.conversationId,
            queueId: input.queueId,
            agentId: input.agentId,
            kind: input.kind,
            startedAt: started,
            endedAt: at,
            seconds,
            targetSeconds: input.targetSeconds,
            breached: input.targetSeconds !== null && seconds > input.targetSeconds,
          })
          .onConflictDoNothing();
      }
      if (!row) return;
      await publishConversationEvent(tx, {
        type: 'conversation.sla',
        conversationId: input.conversationId,
        parties: row,
        data: {
          conversationId: input.conversationId,
          kind: input.kind,
          event: input.event,
          at: input.at,
          dueAt: due?.toISOString() ?? null,
          queueId: input.queueId,
        },
      });
    });
  }

  /** How many agents a queue has at all (whatever their presence): none means nobody can ever be assigned. */
  async function queueStaffing(input: { queueId: string }): Promise<{ members: number }> {
    const [row] = await db.select({ n: count() }).from(queueMembers).where(eq(queueMembers.queueId, input.queueId));
    return { members: Number(row?.n ?? 0) };
  }

  /** A queue's staffing and SLA policy together: what routing a conversation to it needs, in one local activity. */
  async function queueFacts(input: { queueId: string }): Promise<{ members: number; policy: SlaPolicy | null }> {
    const [staffing, policy] = await Promise.all([queueStaffing(input), loadSlaPolicy(input)]);
    return { members: staffing.members, policy };
  }

  async function openCsatSurvey(input: {
    surveyId: string;
    conversationId: string;
    channelId: string | null;
    queueId: string | null;
    agentId: string | null;
    sentAt: string;
    expiresAt: string;
  }): Promise<void> {
    await db
      .insert(csatSurveys)
      .values({
        id: input.surveyId,
        conversationId: input.conversationId,
        channelId: input.channelId,
        queueId: input.queueId,
        agentId: input.agentId,
        sentAt: new Date(input.sentAt),
        expiresAt: new Date(input.expiresAt),
      })
      .onConflictDoNothing();
  }

  /**
   * Stores the rating (the latest answer wins). `first` tells whether this call made the survey's first answer, so
   * the customer is thanked once; a retry of that call (same `at`) still says first.
   */
  async function answerCsat(input: {
    surveyId: string;
    rating: number;
    answer: string;
    at: string;
  }): Promise<{ first: boolean }> {
    const at = new Date(input.at);
    const [row] = await db
      .update(csatSurveys)
      .set({
        rating: input.rating,
        answer: input.answer,
        answeredAt: sql`coalesce(${csatSurveys.answeredAt}, ${at.toISOString()}::timestamptz)`,
      })
      .where(eq(csatSurveys.id, input.surveyId))
      .returning({ first: sql<boolean>`${csatSurveys.answeredAt} = ${at.toISOString()}::timestamptz` });
    return { first: row?.first === true };
  }

  return { loadSlaPolicy, recordSlaEvent, queueStaffing, queueFacts, openCsatSurvey, answerCsat };
}

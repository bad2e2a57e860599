import { and, asc, eq, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { RoutingStep, RoutingTrace } from '../db/schema/conversations.js';
import { calendars, conversations, preferredAgents, queues, workstreams } from '../db/schema/index.js';
import { type HoursStatus, hoursStatus, type OperatingCalendar } from '../domain/operating-hours.js';
import type { OutOfHoursAction, OverflowRule, PreferredAgentFallback } from '../domain/vocabulary.js';

/**
 * The operating rules that apply once a conversation has a queue (docs/domain.md, "Operating rules"): operating
 * hours first, then overflow (work-item limit; wait time when its timer fired), then the priority distribution will
 * order it by. Reads the clock, so it runs here and the workflow acts on the recorded answer. Each decision is
 * appended to the conversation's routing trace.
 */

/** A transfer chain (queue A overflows to B, B to C…) stops after this many moves, so a cycle cannot loop. */
export const MAX_OVERFLOW_HOPS = 3;

export type AdmitInput = {
  conversationId: string;
  queueId: string;
  workstreamId: string;
  /** The priority the routing rule set, if any; else the queue's applies. */
  rulePriority: number | null;
  /** route: just classified; opening: the hours timer fired; wait: the wait-time overflow timer fired. */
  trigger: 'route' | 'opening' | 'wait';
  /** The workflow's time: hours and thresholds are judged at it (replay-safe, and the test server's skipped time). */
  at: string;
  /** When the current wait began in workflow time (the customer's text that routed it, or the opening after it). */
  waitFrom: string;
};

export type Admission = {
  queueId: string;
  priority: number;
  hours: HoursStatus;
  outOfHoursAction: OutOfHoursAction;
  /** Overflow that acted now (a transfer is already applied: `queueId` is the target). */
  overflow: { action: 'end' } | { action: 'wait_message'; message: string } | null;
  /** The queue's wait-time threshold (the workflow arms a timer from the wait's start), if it has one. */
  maxWaitMinutes: number | null;
  preferredAgentIds: string[];
  preferredAgentFallback: PreferredAgentFallback;
};

type QueueRow = typeof queues.$inferSelect;

const DEFAULT_WAIT_MESSAGE = 'All our agents are busy. Please stay with us: we will reply as soon as we can.';

function toCalendar(row: typeof calendars.$inferSelect | undefined): OperatingCalendar | null {
  if (!row) return null;
  return { timeZone: row.timeZone, weekly: row.weekly, holidays: row.holidays, closures: row.closures };
}

export function admissionActivity(db: Db) {
  async function calendarFor(queue: QueueRow, workstreamCalendarId: string | null) {
    const id = queue.calendarId ?? workstreamCalendarId;
    if (!id) return { calendar: null, source: 'none' };
    const row = await db.query.calendars.findFirst({ where: eq(calendars.id, id) });
    return {
      calendar: toCalendar(row),
      source: `${queue.calendarId ? 'queue' : 'workstream'} calendar "${row?.name}"`,
    };
  }

  /** Open, unassigned, not offered, not held for hours: the queue's waiting work items (besides this one). */
  async function waitingIn(queueId: string, conversationId: string): Promise<number> {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(conversations)
      .where(
        and(
          eq(conversations.queueId, queueId),
          eq(conversations.state, 'open'),
          isNull(conversations.agentId),
          eq(conversations.withBot, false),
          ne(conversations.id, conversationId),
          or(isNull(conversations.heldUntil), lte(conversations.heldUntil, sql`now()`)),
        ),
      );
    return row?.n ?? 0;
  }

  return async function admitToQueue(input: AdmitInput): Promise<Admission> {
    const now = new Date(input.at);
    const [ws, conv] = await Promise.all([
      db.query.workstreams.findFirst({ where: eq(workstreams.id, input.workstreamId) }),
      db.query.conversations.findFirst({ where: eq(conversations.id, input.conversationId) }),
    ]);
    const steps: RoutingStep[] = [];
    const step = (kind: RoutingStep['kind'], queueId: string, detail: string) =>
      steps.push({ kind, at: now.toISOString(), queueId, detail });
    let queueId = input.queueId;
    let queue = await db.query.queues.findFirst({ where: eq(queues.id, queueId) });
    let overflow: Admission['overflow'] = null;
    let hours: HoursStatus = { open: true };
    let overflowed = false;
    for (let hop = 0; queue; hop++) {
      const { calendar, source } = await calendarFor(queue, ws?.calendarId ?? null);
      hours = hoursStatus(calendar, now);
      if (calendar) {
        step(
          'hours',
          queueId,
          hours.open
            ? `${source}: open`
            : `${source}: closed, opens ${hours.nextOpeningAt ?? 'never (no hours ahead)'}; ${ws?.outOfHoursAction === 'close' ? 'close' : 'wait for the opening'}`,
        );
      }
      if (!hours.open) break;
      const rule = queue.overflow as OverflowRule | null;
      if (!rule) break;
      let reason: string | null = null;
      if (rule.maxWaiting != null) {
        const waiting = await waitingIn(queueId, input.conversationId);
        if (waiting >= rule.maxWaiting) reason = `${waiting} waiting ≥ limit ${rule.maxWaiting}`;
      }
      if (!reason && input.trigger === 'wait' && hop === 0 && rule.maxWaitMinutes != null) {
        const due = Date.parse(input.waitFrom) + rule.maxWaitMinutes * 60_000;
        if (due <= now.getTime()) reason = `waited since ${input.waitFrom} ≥ ${rule.maxWaitMinutes} min`;
      }
      if (!reason) break;
      overflowed = true;
      if (rule.action === 'transfer' && rule.targetQueueId && hop < MAX_OVERFLOW_HOPS) {
        const target = await db.query.queues.findFirst({ where: eq(queues.id, rule.targetQueueId) });
        if (target) {
          step('overflow', queueId, `overflow (${reason}): transfer to queue "${target.name}"`);
          queueId = target.id;
          queue = target;
          continue;
        }
      }
      if (rule.action === 'end') {
        step('overflow', queueId, `overflow (${reason}): end the conversation (overflow_end)`);
        overflow = { action: 'end' };
      } else if (rule.action === 'wait_message') {
        step('overflow', queueId, `overflow (${reason}): keep waiting, customer told`);
        overflow = { action: 'wait_message', message: rule.message?.trim() || DEFAULT_WAIT_MESSAGE };
      } else {
        step('overflow', queueId, `overflow (${reason}): no transfer target left; keep waiting`);
      }
      break;
    }
    const priority = input.rulePriority ?? queue?.priority ?? 0;
    step(
      'priority',
      queueId,
      input.rulePriority !== null
        ? `priority ${priority} from the routing rule`
        : `priority ${priority} from the queue (smaller is served first)`,
    );
    const heldUntil = hours.open ? null : hours.nextOpeningAt ? new Date(hours.nextOpeningAt) : new Date('9999-12-31');
    const rule = (queue?.overflow as OverflowRule | null) ?? null;
    const prefs = await db
      .select({ agentId: preferredAgents.agentId })
      .from(preferredAgents)
      .where(
        and(
          eq(preferredAgents.workstreamId, input.workstreamId),
          eq(preferredAgents.customerNumber, conv?.customerNumber ?? ''),
        ),
      )
      .orderBy(asc(preferredAgents.rank));
    if (conv) {
      const trace = conv.routingTrace as RoutingTrace | null;
      await db
        .update(conversations)
        .set({
          queueId,
          priority,
          heldUntil,
          ...(overflowed ? { overflowedAt: now } : {}),
          ...(trace
            ? { routingTrace: { ...trace, decisions: [...(trace.decisions ?? []), ...steps].slice(-50) } }
            : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(conversations.id, input.conversationId));
    }
    return {
      queueId,
      priority,
      hours,
      outOfHoursAction: ws?.outOfHoursAction ?? 'wait',
      overflow,
      maxWaitMinutes: hours.open && !overflow ? (rule?.maxWaitMinutes ?? null) : null,
      preferredAgentIds: prefs.map((p) => p.agentId),
      preferredAgentFallback: ws?.preferredAgentFallback ?? 'queue',
    };
  };
}

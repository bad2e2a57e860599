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
  /** The wait start whose overflow was already handled (a keep-waiting message is sent once per wait). */
  handledWaitFrom?: string | null;
};

export type Admission = {
  queueId: string;
  priority: number;
  hours: HoursStatus;
  outOfHoursAction: OutOfHoursAction;
  /** Overflow that acted now (a transfer is already applied: `queueId` is the target). */
  overflow: { action: 'end' } | { action: 'wait_message'; message: string } | null;
  /** When the wait-time threshold passes for the current wait (arm a timer), if the queue has one. */
  waitDeadlineAt: string | null;
  /** The start of the wait the deadline is measured from (the customer's last message, or the opening after it). */
  waitFrom: string | null;
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
    const now = new Date();
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
      if (!reason && input.trigger === 'wait' && hop === 0 && rule.maxWaitMinutes != null && conv) {
        const from = waitStart(conv);
        const due = from.getTime() + rule.maxWaitMinutes * 60_000;
        const handled = input.handledWaitFrom === from.toISOString();
        if (!handled && due <= now.getTime())
          reason = `waited since ${from.toISOString()} ≥ ${rule.maxWaitMinutes} min`;
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
    const heldUntil = hours.open
      ? conv?.heldUntil && conv.heldUntil <= now
        ? conv.heldUntil
        : null
      : hours.nextOpeningAt
        ? new Date(hours.nextOpeningAt)
        : new Date('9999-12-31');
    // The wait-time threshold counts from the customer's last message, but never from before the queue opened.
    const rule = (queue?.overflow as OverflowRule | null) ?? null;
    let waitFrom: Date | null = null;
    let waitDeadlineAt: string | null = null;
    if (hours.open && !overflow && rule?.maxWaitMinutes != null && conv) {
      waitFrom = waitStart(conv);
      if (input.handledWaitFrom !== waitFrom.toISOString()) {
        waitDeadlineAt = new Date(waitFrom.getTime() + rule.maxWaitMinutes * 60_000).toISOString();
      }
    }
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
      waitDeadlineAt,
      waitFrom: waitFrom?.toISOString() ?? null,
      preferredAgentIds: prefs.map((p) => p.agentId),
      preferredAgentFallback: ws?.preferredAgentFallback ?? 'queue',
    };
  };
}

/** The customer's last message, or the end of an out-of-hours hold that came after it. */
function waitStart(conv: typeof conversations.$inferSelect): Date {
  const last = conv.lastCustomerMessageAt ?? conv.createdAt;
  const held = conv.heldUntil;
  return held && held > last && held.getTime() <= Date.now() ? held : last;
}

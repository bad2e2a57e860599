import { ApplicationFailure } from '@temporalio/activity';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { capacityReservations, conversations, queueMembers, queues, users } from '../db/schema/index.js';
import { signalConversations } from '../temporal/signal-conversations.js';
import { FailureTypes } from '../workflows/definitions.js';
import {
  aheadOf,
  couldTake,
  couldTakeAll,
  fromAhead,
  fromWaiting,
  type Rank,
  SINCE,
  slotLeftWhenAllTakeAll,
  slotsLeft,
  surelyFree,
  uuids,
} from './distribution-order.js';

export type ReserveInput = {
  /** Idempotency key from the workflow: a retried activity finds its own reservation instead of booking twice. */
  reservationKey: string;
  conversationId: string;
  queueId: string;
  units: number;
  skills: string[];
  skillMatching: 'exact' | 'none';
  allowedPresences: string[];
  excludeAgentIds: string[];
  /** Restrict to one agent (keep-same-agent, pick). */
  onlyAgentId?: string;
};

/** Which step of `inLine` decided (tests and benches count them): see reserveAgent. */
type Line = {
  candidates: string[];
  ahead: [string, string][];
  path: 'affinity' | 'none-free' | 'all-take-all' | 'surely-free' | 'matching';
};
/** What reserveAgent reports to `deps.observe`: each look at the line, and each wake it sends. */
export type LineEvent =
  | { kind: 'line'; path: Line['path']; candidates: number }
  | { kind: 'wake'; by: 'refused' | 'booked'; count: number };

/** How many waiting conversations one booking wakes (as many as the nudge after a release). */
const PASS_ON_LIMIT = 5;
/** How many free agents of the queue the line is worked out over (more would only refuse less). */
const MATCH_POOL = 200;

const ORDER_BY = {
  // Most free capacity first; ties go to whoever was assigned longest ago (round robin among equals).
  highest_capacity: sql`(u.capacity - u.capacity_used) desc, u.last_assigned_at asc nulls first, qm.added_at asc`,
  round_robin: sql`u.last_assigned_at asc nulls first, qm.added_at asc`,
  least_active: sql`u.last_released_at asc nulls first, u.last_assigned_at asc nulls first, qm.added_at asc`,
} as const;

/**
 * Capacity is reserved in Postgres, never in workflow memory, because many conversation workflows compete for the
 * same agents. The conditional UPDATE (`capacity_used + units <= capacity`) is re-checked by Postgres after any row
 * lock wait, so concurrent reservations can never over-book an agent.
 */
export function capacityActivities(
  db: Db,
  deps: { signal?: typeof signalConversations; observe?: (event: LineEvent) => void } = {},
) {
  const signal = deps.signal ?? signalConversations;
  const observe = deps.observe;

  async function existing(key: string) {
    const [row] = await db
      .select({ agentId: capacityReservations.userId })
      .from(capacityReservations)
      .where(eq(capacityReservations.id, key));
    return row ?? null;
  }

  async function rankOf(conversationId: string): Promise<Rank | null> {
    const [row] = await db
      .select({
        priority: conversations.priority,
        since: sql<string>`coalesce(${conversations.lastCustomerMessageAt}, ${conversations.createdAt})`,
      })
      .from(conversations)
      .where(eq(conversations.id, conversationId));
    return row ?? null;
  }

  async function reserveAgent(input: ReserveInput): Promise<{ agentId: string } | null> {
    const prior = await existing(input.reservationKey);
    if (prior) return prior;
    const queue = await db.query.queues.findFirst({ where: eq(queues.id, input.queueId) });
    if (!queue) return null;
    const presences = sql`array[${sql.join(
      input.allowedPresences.map((p) => sql`${p}`),
      sql`, `,
    )}]::presence[]`;
    const excluded = input.excludeAgentIds.length ? sql`and u.id <> all(${uuids(input.excludeAgentIds)})` : sql``;
    const only = input.onlyAgentId ? sql`and u.id = ${input.onlyAgentId}` : sql``;
    const skills =
      input.skillMatching === 'exact' && input.skills.length
        ? sql`and u.skills @> ${JSON.stringify(input.skills)}::jsonb`
        : sql``;
    // Priority (issue #16): the queue's method picks only among agents with a slot left once the better-ranked
    // waiting conversations are seated (docs/domain.md, "Priority"); a targeted reservation (previous or preferred
    // agent) is affinity and skips the line.
    const me = input.onlyAgentId ? null : await rankOf(input.conversationId);
    const ignored: string[] = [];
    const freeAgents = (limit: number) =>
      db.execute<{ id: string; slots: number; presence: string; skills: string[] }>(sql`
      select u.id, floor((u.capacity - u.capacity_used) / ${input.units}::numeric)::int as slots, u.presence, u.skills
      from users u
      join queue_members qm on qm.user_id = u.id and qm.queue_id = ${input.queueId}
      where u.presence = any(${presences})
        and u.capacity - u.capacity_used >= ${input.units}
        ${skills} ${excluded} ${only}
      order by ${ORDER_BY[queue.assignmentMethod]}
      limit ${limit}`);
    /**
     * The free agents this conversation may take now (best first by the queue's method), and who is seated ahead.
     * Cheapest question first; each step is exact, only the last one ships conversations to node.
     */
    const inLine = async (): Promise<Line> => {
      if (!me) return { candidates: (await freeAgents(10)).map((a) => a.id), ahead: [], path: 'affinity' };
      const pool = await freeAgents(MATCH_POOL);
      if (pool.length === 0) return { candidates: [], ahead: [], path: 'none-free' };
      const total = pool.reduce((n, a) => n + a.slots, 0);
      const ahead = fromAhead(me, input.conversationId, ignored);
      const all = couldTakeAll({ queueId: input.queueId, agents: pool });
      const poolIds = uuids(pool.map((a) => a.id));
      // 1. Is everyone ahead who could take a pool agent able to take each of them (the burst: one queue, no skills,
      // no declines)? Then counting them decides, and any pool agent may be taken.
      const [counts] = await db.execute<{ all_take_all: number; mixed: boolean }>(sql`select
        (select count(*)::int from (select 1 ${ahead} and ${all} limit ${total}) x) as all_take_all,
        exists (select 1 ${ahead} and not ${all}
          and exists (select 1 from users u where u.id = any(${poolIds}) and ${couldTake})) as mixed`);
      if (!counts!.mixed) {
        if (slotLeftWhenAllTakeAll(counts!.all_take_all, total))
          return { candidates: pool.map((a) => a.id), ahead: [], path: 'all-take-all' };
        const best = await db.execute<{ id: string; workflow_id: string }>(sql`
          select c2.id, c2.workflow_id, c2.priority, ${SINCE} as since ${ahead} and ${all}
          order by c2.priority, since, c2.id limit ${PASS_ON_LIMIT}`);
        return { candidates: [], ahead: best.map((b) => [b.id, b.workflow_id]), path: 'all-take-all' };
      }
      // 2. An agent with more free slots than better-ranked conversations that could take it keeps a slot whoever
      // sits where (counted in SQL, up to its slots).
      const perAgent = await db.execute<{ id: string; slots: number; ahead: number }>(sql`
        select u.id, floor((u.capacity - u.capacity_used) / ${input.units}::numeric)::int as slots,
          (select count(*)::int from (select 1 ${ahead} and ${couldTake}
            limit floor((u.capacity - u.capacity_used) / ${input.units}::numeric)::int) x) as ahead
        from users u where u.id = any(${poolIds})`);
      const byId = new Map(perAgent.map((a) => [a.id, a]));
      const safe = surelyFree(pool.flatMap((a) => (byId.has(a.id) ? [byId.get(a.id)!] : [])));
      if (safe.length) return { candidates: safe, ahead: [], path: 'surely-free' };
      // 3. The full matching: per agent, the best `total` ahead that could take it: one ranked below those on every
      // agent it could take cannot get a slot before this conversation does (they fill every slot, or the agent is
      // full).
      const rows = await db.execute<{ agent_id: string; id: string; workflow_id: string }>(sql`
        select u.id as agent_id, c2.id, c2.workflow_id from users u, lateral (${aheadOf(me, input.conversationId, ignored, sql`c2.id, c2.workflow_id, c2.priority, ${SINCE} as since`)}
          order by 3, 4, 1 limit ${total}) c2
        where u.id = any(${poolIds})
        order by c2.priority, c2.since, c2.id`);
      const seats = new Map<string, { id: string; workflowId: string; agentIds: string[] }>();
      for (const r of rows) {
        const c = seats.get(r.id) ?? { id: r.id, workflowId: r.workflow_id, agentIds: [] };
        c.agentIds.push(r.agent_id);
        seats.set(r.id, c);
      }
      const { left, seatedAhead } = slotsLeft(pool, [...seats.values()]);
      return {
        candidates: pool.filter((a) => (left.get(a.id) ?? 0) > 0).map((a) => a.id),
        ahead: seatedAhead.map((id) => [id, seats.get(id)!.workflowId] as [string, string]),
        path: 'matching',
      };
    };
    const book = (agentId: string) =>
      db.transaction(async (tx) => {
        const [u] = await tx
          .update(users)
          .set({ capacityUsed: sql`${users.capacityUsed} + ${input.units}`, lastAssignedAt: sql`now()` })
          .where(
            and(
              eq(users.id, agentId),
              sql`${users.capacityUsed} + ${input.units} <= ${users.capacity}`,
              sql`${users.presence} = any(${presences})`,
            ),
          )
          .returning({ id: users.id });
        if (!u) return false;
        await tx.insert(capacityReservations).values({
          id: input.reservationKey,
          userId: agentId,
          conversationId: input.conversationId,
          units: input.units,
        });
        return true;
      });
    // Concurrent requests see the same best candidates; when others booked all of them first, look again. Every
    // lost race means capacity was consumed, so this ends: booked, or no agent has free capacity any more. Returning
    // null while capacity is free would leave the conversation waiting for the fallback tick (minutes).
    for (;;) {
      const line = await inLine();
      observe?.({ kind: 'line', path: line.path, candidates: line.candidates.length });
      if (line.candidates.length === 0) {
        if (line.ahead.length === 0) return null;
        // Better-ranked conversations take every free slot: wake them (they book, then pass the wake on). One whose
        // workflow is gone (a stale read-model row) must not hold the line: skip it and look again.
        observe?.({ kind: 'wake', by: 'refused', count: Math.min(line.ahead.length, PASS_ON_LIMIT) });
        const gone = await signal(line.ahead.slice(0, PASS_ON_LIMIT));
        if (gone.length === 0) return null;
        ignored.push(...gone);
        continue;
      }
      for (const candidate of line.candidates.slice(0, 10)) {
        if (!(await book(candidate))) continue;
        await passOn(input);
        return { agentId: candidate };
      }
    }
  }

  /**
   * A booking takes this conversation out of the line, which may free the line for the ones it kept out (they were
   * refused while it was waiting, and woke it). Nobody else wakes them while capacity stays free, so pass the wake on:
   * signal the best-ranked conversations still waiting that could take an agent of this queue with room left. Each
   * of them either books (and passes on in turn) or is refused behind a better one (and wakes it): the chain goes on
   * until the free capacity is taken, instead of stopping at the fallback tick (minutes).
   */
  async function passOn(input: ReserveInput): Promise<void> {
    const skipped = [input.conversationId];
    let budget = PASS_ON_LIMIT;
    // A stale row (its workflow gone) must not take the wake from the next one: replace it, a few times at most.
    for (let round = 0; round < 3; round++) {
      const next = await db.execute<{ id: string; workflow_id: string; free: number }>(sql`
        with next as (
          select c2.id, c2.workflow_id, c2.priority, ${SINCE} as since ${fromWaiting(skipped)}
            and exists (select 1 from users u join queue_members qm on qm.user_id = u.id and qm.queue_id = ${input.queueId}
              where u.capacity_used < u.capacity and ${couldTake})
          order by c2.priority, since, c2.id limit ${PASS_ON_LIMIT})
        select n.id, n.workflow_id, (
          select coalesce(sum(u.capacity - u.capacity_used), 0)::int
          from users u join queue_members qm on qm.user_id = u.id and qm.queue_id = ${input.queueId}
          where u.capacity_used < u.capacity and exists (select 1 from conversations c2
            left join workstreams w2 on w2.id = c2.workstream_id
            where c2.id in (select id from next) and ${couldTake})) as free
        from next n order by n.priority, n.since, n.id`);
      // At most as many of them can book as there are free units on the agents they could take; the ones after
      // that would be refused behind those woken first (which pass the wake on when they book).
      const wake = next
        .slice(0, Math.min(budget, next[0]?.free ?? 0))
        .map((n) => [n.id, n.workflow_id] as [string, string]);
      if (wake.length === 0) return;
      observe?.({ kind: 'wake', by: 'booked', count: wake.length });
      const gone = await signal(wake);
      if (gone.length === 0) return;
      skipped.push(...wake.map(([id]) => id));
      budget = gone.length;
    }
  }

  /**
   * Supervisor assign and transfer to an agent: D365 lets these exceed capacity (it can go negative), so the
   * booking is unconditional. The agent must exist.
   */
  async function forceReserve(input: {
    reservationKey: string;
    conversationId: string;
    agentId: string;
    units: number;
  }): Promise<{ agentId: string }> {
    const prior = await existing(input.reservationKey);
    if (prior) return prior;
    return db.transaction(async (tx) => {
      const [u] = await tx
        .update(users)
        .set({ capacityUsed: sql`${users.capacityUsed} + ${input.units}`, lastAssignedAt: sql`now()` })
        .where(eq(users.id, input.agentId))
        .returning({ id: users.id });
      if (!u) {
        throw ApplicationFailure.create({
          message: `agent ${input.agentId} does not exist`,
          type: FailureTypes.NotFound,
          nonRetryable: true,
        });
      }
      await tx.insert(capacityReservations).values({
        id: input.reservationKey,
        userId: input.agentId,
        conversationId: input.conversationId,
        units: input.units,
      });
      return { agentId: input.agentId };
    });
  }

  /** Gives the capacity back (idempotent: a missing reservation is already released). Returns the agent's queues. */
  async function releaseCapacity(input: {
    reservationKey: string;
  }): Promise<{ agentId: string; queueIds: string[] } | null> {
    const released = await db.transaction(async (tx) => {
      const [r] = await tx
        .delete(capacityReservations)
        .where(eq(capacityReservations.id, input.reservationKey))
        .returning({ userId: capacityReservations.userId, units: capacityReservations.units });
      if (!r) return null;
      await tx
        .update(users)
        .set({ capacityUsed: sql`greatest(${users.capacityUsed} - ${r.units}, 0)`, lastReleasedAt: sql`now()` })
        .where(eq(users.id, r.userId));
      return r.userId;
    });
    if (!released) return null;
    const memberships = await db
      .select({ queueId: queueMembers.queueId })
      .from(queueMembers)
      .where(eq(queueMembers.userId, released));
    return { agentId: released, queueIds: memberships.map((m) => m.queueId) };
  }

  /** Pick mode and keep-same-agent need queue membership; supervisors assign to anyone. */
  async function isQueueMember(input: { queueId: string; agentId: string }): Promise<boolean> {
    const [row] = await db
      .select({ one: sql`1` })
      .from(queueMembers)
      .where(and(eq(queueMembers.queueId, input.queueId), eq(queueMembers.userId, input.agentId)));
    return !!row;
  }

  async function queueExists(input: { queueId: string }): Promise<boolean> {
    const [row] = await db.select({ id: queues.id }).from(queues).where(eq(queues.id, input.queueId));
    return !!row;
  }

  return { reserveAgent, forceReserve, releaseCapacity, isQueueMember, queueExists };
}

import { type SQL, sql } from 'drizzle-orm';

/**
 * The order distribution serves waiting conversations in (issue #16; docs/domain.md, "Priority"): smaller priority
 * first (the routing rule's, else the queue's), then the longest waiting since the customer's last message (the
 * order for asynchronous channels, docs/domain.md, "The conversation model"), then id for a total order.
 */

export type Rank = { priority: number; since: string };

/** The rank columns of `c2`, in the order above (select it `as since` to order by it). */
export const SINCE = sql`coalesce(c2.last_customer_message_at, c2.created_at)`;

/** A uuid[] parameter list. */
export const uuids = (ids: string[]) =>
  sql`array[${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )}]::uuid[]`;

/** SQL condition: `c2` ranks ahead of `me`. */
function ranksAhead(me: Rank, conversationId: string): SQL {
  return sql`and (c2.priority, ${SINCE}, c2.id) < (${me.priority}::int, ${me.since}::timestamptz, ${conversationId}::uuid)`;
}

/**
 * SQL `from … where …` over the conversations `c2` (with `w2`, their workstream) that wait for an agent now, whoever
 * the agent: open, unassigned, unoffered, holding no capacity reservation, not with a bot, not held for hours, in a
 * push workstream, not `excluded`. A conversation that already booked its agent holds a reservation before its row
 * says "offered"; counting it would make it hold the line for a slot it no longer needs. Add `couldTake` (or
 * `couldTakeAll`) for the agent side.
 */
export function fromWaiting(excluded: string[], rank: SQL = sql``): SQL {
  return sql`from conversations c2 left join workstreams w2 on w2.id = c2.workstream_id
    where c2.state = 'open' and c2.agent_id is null and c2.offered_agent_id is null and c2.with_bot = false
      and (c2.held_until is null or c2.held_until <= now())
      and c2.id <> all(${uuids(excluded)}) ${rank}
      and not exists (select 1 from capacity_reservations r2 where r2.conversation_id = c2.id)
      and coalesce(w2.distribution_mode = 'push', true)`;
}

/** `fromWaiting` for the conversations ranked ahead of `me` (`ignored`: stale rows that must not hold the line). */
export function fromAhead(me: Rank, conversationId: string, ignored: string[]): SQL {
  return fromWaiting([conversationId, ...ignored], ranksAhead(me, conversationId));
}

/**
 * SQL condition: agent `u` (a users row of the outer query) could take the waiting conversation `c2` now: u in its
 * queue with its skills, u's presence allowed by its workstream, not declined by u, and not waiting for other
 * preferred agents.
 */
export const couldTake = sql`exists (select 1 from queue_members m2 where m2.queue_id = c2.queue_id and m2.user_id = u.id)
      and coalesce(w2.allowed_presences @> jsonb_build_array(u.presence), true)
      and (coalesce(w2.skill_matching = 'none', false) or u.skills @> c2.skills)
      and not exists (select 1 from offers o where o.conversation_id = c2.id and o.user_id = u.id
        and o.outcome in ('rejected', 'timed_out'))
      and not (coalesce(w2.preferred_agent_fallback = 'wait', false)
        and exists (select 1 from preferred_agents p where p.customer_number = c2.customer_number
          and p.workstream_id = c2.workstream_id)
        and not exists (select 1 from preferred_agents p where p.customer_number = c2.customer_number
          and p.workstream_id = c2.workstream_id and p.agent_id = u.id))`;

/** The agents `couldTakeAll` speaks for: all members of `queueId`, with their presences and skills. */
export type Pool = { queueId: string; agents: { id: string; presence: string; skills: string[] }[] };

/**
 * SQL condition, without any per-agent evaluation: every agent of `pool` could take `c2` (`couldTake` holds for each).
 * It is sufficient, not necessary: a conversation of another queue, or one waiting for preferred agents, is left out
 * even when every pool agent happens to qualify; callers treat "not all" as "maybe some" and look per agent.
 */
export function couldTakeAll(pool: Pool): SQL {
  const presences = [...new Set(pool.agents.map((a) => a.presence))];
  return sql`(c2.queue_id = ${pool.queueId}
      and coalesce(w2.allowed_presences @> ${JSON.stringify(presences)}::jsonb, true)
      and (coalesce(w2.skill_matching = 'none', false) or ${JSON.stringify(commonSkills(pool.agents.map((a) => a.skills)))}::jsonb @> c2.skills)
      and not exists (select 1 from offers o where o.conversation_id = c2.id and o.user_id = any(${uuids(pool.agents.map((a) => a.id))})
        and o.outcome in ('rejected', 'timed_out'))
      and not (coalesce(w2.preferred_agent_fallback = 'wait', false)
        and exists (select 1 from preferred_agents p where p.customer_number = c2.customer_number
          and p.workstream_id = c2.workstream_id)))`;
}

/** The skills every agent has (pure): a conversation needing only these can be taken by each of them. */
export function commonSkills(agentSkills: string[][]): string[] {
  if (agentSkills.length === 0) return [];
  return agentSkills.slice(1).reduce((common, s) => common.filter((k) => s.includes(k)), [...agentSkills[0]!]);
}

/**
 * SQL selecting `what` from the conversations ranked ahead of `me` that agent `u` (the outer query's users row) could
 * take now.
 */
export function aheadOf(me: Rank, conversationId: string, ignored: string[], what: SQL): SQL {
  return sql`select ${what} ${fromAhead(me, conversationId, ignored)} and ${couldTake}`;
}

/**
 * The free agents certainly left a slot for the conversation asking (pure), in pool order: those whose free slots
 * exceed the better-ranked waiting conversations that could take them (`ahead`, counted up to `slots`). Even if all
 * of those sat on such an agent, a slot would remain, whatever the others do; no matching is needed.
 */
export function surelyFree(pool: { id: string; slots: number; ahead: number }[]): string[] {
  return pool.filter((a) => a.ahead < a.slots).map((a) => a.id);
}

/**
 * When every better-ranked waiting conversation that could take a pool agent could take each of them (one queue, no
 * skills, no declines: a burst), the matching is trivial (pure): they fill `ahead` of the `total` free slots, and a
 * slot is left, on any agent of the pool, iff ahead < total.
 */
export function slotLeftWhenAllTakeAll(ahead: number, total: number): boolean {
  return ahead < total;
}

/**
 * The slots left on each free agent once the better-ranked waiting conversations are seated (pure). `agents`: the
 * free agents with their free slots; `ahead`: the better-ranked conversations, best first, each with the free agents
 * it could take. They are seated best first, each moving those already seated to another of their agents when that
 * makes room (augmenting paths), so a better-ranked conversation is never left out for a worse one. A slot left over
 * can go to the conversation asking without taking it from anyone ranked ahead, on whichever agent it is: counting
 * per agent only (ahead of me who could take this agent, against this agent's slots) refuses the third of ten waiting
 * conversations while five agents are free, and serialises a burst to a few offers per round.
 */
export function slotsLeft(agents: { id: string; slots: number }[], ahead: { id: string; agentIds: string[] }[]) {
  const left = new Map(agents.map((a) => [a.id, a.slots]));
  const seatedOn = new Map<string, string[]>(agents.map((a) => [a.id, []]));
  const seat = (conv: string, visited: Set<string>, options: Map<string, string[]>): boolean => {
    for (const agent of options.get(conv) ?? []) {
      if (!left.has(agent) || visited.has(agent)) continue;
      visited.add(agent);
      if (left.get(agent)! > 0) {
        left.set(agent, left.get(agent)! - 1);
        seatedOn.get(agent)!.push(conv);
        return true;
      }
      const seated = seatedOn.get(agent)!;
      for (let i = 0; i < seated.length; i++) {
        if (seat(seated[i]!, visited, options)) {
          seated[i] = conv;
          return true;
        }
      }
    }
    return false;
  };
  const options = new Map(ahead.map((c) => [c.id, c.agentIds]));
  const seatedAhead: string[] = [];
  for (const c of ahead) if (seat(c.id, new Set(), options)) seatedAhead.push(c.id);
  return { left, seatedAhead };
}

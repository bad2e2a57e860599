import { type SQL, sql } from 'drizzle-orm';

/**
 * The order distribution serves waiting conversations in (issue #16; docs/domain.md, "Priority"): smaller priority
 * first (the routing rule's, else the queue's), then the longest waiting since the customer's last message (the
 * order for asynchronous channels, docs/domain.md, "The conversation model"), then id for a total order.
 */

export type Rank = { priority: number; since: string };

/**
 * SQL selecting `what` from the conversations ranked ahead of `me` that agent `u` (the outer query's users row) could
 * take now (see `waitingFor`).
 */
export function aheadOf(me: Rank, conversationId: string, ignored: string[], what: SQL): SQL {
  return waitingFor(
    [conversationId, ...ignored],
    what,
    sql`and (c2.priority, coalesce(c2.last_customer_message_at, c2.created_at), c2.id)
        < (${me.priority}::int, ${me.since}::timestamptz, ${conversationId}::uuid)`,
  );
}

/**
 * SQL selecting `what` from the conversations (other than `excluded`) that agent `u` (the outer query's users row)
 * could take now: open, unassigned, unoffered, holding no capacity reservation, not with a bot, not held for hours, in
 * a push workstream that allows u's presence, u in its queue with its skills, not declined by u, and not waiting for
 * other preferred agents. A conversation that already booked its agent holds a reservation before its row says
 * "offered"; counting it would make it hold the line for a slot it no longer needs.
 */
export function waitingFor(excluded: string[], what: SQL, rank: SQL = sql``): SQL {
  const skip = sql`c2.id <> all(array[${sql.join(
    excluded.map((id) => sql`${id}`),
    sql`, `,
  )}]::uuid[])`;
  return sql`select ${what} from conversations c2
    join queue_members m2 on m2.queue_id = c2.queue_id and m2.user_id = u.id
    left join workstreams w2 on w2.id = c2.workstream_id
    where c2.state = 'open' and c2.agent_id is null and c2.offered_agent_id is null and c2.with_bot = false
      and (c2.held_until is null or c2.held_until <= now())
      and ${skip} ${rank}
      and not exists (select 1 from capacity_reservations r2 where r2.conversation_id = c2.id)
      and coalesce(w2.distribution_mode = 'push', true)
      and coalesce(w2.allowed_presences @> jsonb_build_array(u.presence), true)
      and (coalesce(w2.skill_matching = 'none', false) or u.skills @> c2.skills)
      and not exists (select 1 from offers o where o.conversation_id = c2.id and o.user_id = u.id
        and o.outcome in ('rejected', 'timed_out'))
      and not (coalesce(w2.preferred_agent_fallback = 'wait', false)
        and exists (select 1 from preferred_agents p where p.customer_number = c2.customer_number
          and p.workstream_id = c2.workstream_id)
        and not exists (select 1 from preferred_agents p where p.customer_number = c2.customer_number
          and p.workstream_id = c2.workstream_id and p.agent_id = u.id))`;
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

import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { conversations, offers, queueMembers, queues, users } from '../../../db/schema/index.js';
import { type AppRouteHandler, loadOr404 } from '../../lib/route-helpers.js';
import type * as routes from './stats.routes.js';

const count = (cond: ReturnType<typeof sql>) => sql<number>`(count(*) filter (where ${cond}))::int`;

export const getQueueStats: AppRouteHandler<typeof routes.getQueueStats> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  await loadOr404(deps.db.query.queues.findFirst({ where: eq(queues.id, id), columns: { id: true } }), 'queue', id);
  const [[convs], [agents]] = await Promise.all([
    deps.db
      .select({
        open: count(sql`${conversations.state} = 'open'`),
        active: count(sql`${conversations.state} = 'active'`),
        waiting: count(sql`${conversations.state} = 'waiting'`),
        wrapUp: count(sql`${conversations.state} = 'wrap_up'`),
        longestWaitSeconds: sql<number>`coalesce(floor(extract(epoch from now() - min(coalesce(${conversations.lastCustomerMessageAt}, ${conversations.createdAt})) filter (where ${conversations.state} = 'open' and ${conversations.agentId} is null))), 0)::int`,
      })
      .from(conversations)
      .where(and(eq(conversations.queueId, id), sql`${conversations.state} <> 'closed'`)),
    deps.db
      .select({ available: sql<number>`count(*)::int` })
      .from(queueMembers)
      .innerJoin(users, eq(users.id, queueMembers.userId))
      .where(
        and(
          eq(queueMembers.queueId, id),
          eq(users.presence, 'available'),
          sql`${users.capacityUsed} < ${users.capacity}`,
        ),
      ),
  ]);
  return c.json(
    {
      queueId: id,
      open: convs?.open ?? 0,
      active: convs?.active ?? 0,
      waiting: convs?.waiting ?? 0,
      wrapUp: convs?.wrapUp ?? 0,
      longestWaitSeconds: Math.max(0, convs?.longestWaitSeconds ?? 0),
      agentsAvailable: agents?.available ?? 0,
    },
    200,
  );
};

export const getAgentsOverview: AppRouteHandler<typeof routes.getAgentsOverview> = async (c) => {
  const deps = c.var.deps;
  const people = await deps.db
    .select()
    .from(users)
    .where(inArray(users.role, ['agent', 'supervisor']))
    .orderBy(asc(users.name), asc(users.id));
  const ids = people.map((p) => p.id);
  if (!ids.length) return c.json({ items: [] }, 200);
  const [convCounts, offerCounts, memberships] = await Promise.all([
    deps.db
      .select({
        agentId: conversations.agentId,
        active: count(sql`${conversations.state} = 'active'`),
        waiting: count(sql`${conversations.state} = 'waiting'`),
        wrapUp: count(sql`${conversations.state} = 'wrap_up'`),
      })
      .from(conversations)
      .where(and(inArray(conversations.agentId, ids), sql`${conversations.state} <> 'closed'`))
      .groupBy(conversations.agentId),
    deps.db
      .select({ userId: offers.userId, n: sql<number>`count(*)::int` })
      .from(offers)
      .where(and(inArray(offers.userId, ids), eq(offers.outcome, 'pending')))
      .groupBy(offers.userId),
    deps.db.select().from(queueMembers).where(inArray(queueMembers.userId, ids)),
  ]);
  const convOf = new Map(convCounts.map((r) => [r.agentId, r]));
  const offersOf = new Map(offerCounts.map((r) => [r.userId, r.n]));
  return c.json(
    {
      items: people.map((p) => ({
        id: p.id,
        name: p.name,
        role: p.role,
        presence: p.presence,
        presenceChangedAt: p.presenceChangedAt.toISOString(),
        capacity: { total: p.capacity, used: p.capacityUsed },
        activeConversations: convOf.get(p.id)?.active ?? 0,
        waitingConversations: convOf.get(p.id)?.waiting ?? 0,
        wrapUpConversations: convOf.get(p.id)?.wrapUp ?? 0,
        pendingOffers: offersOf.get(p.id) ?? 0,
        queueIds: memberships.filter((m) => m.userId === p.id).map((m) => m.queueId),
      })),
    },
    200,
  );
};

import { z } from '@hono/zod-openapi';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { conversations, offers, queueMembers, queues, users } from '../../../db/schema/index.js';
import { ProblemError } from '../../../lib/problem.js';
import { authenticate, requireRole } from '../../auth.js';
import type { ApiDeps } from '../../deps.js';
import { protectedRoute } from '../../route-contract.js';
import { createRouter } from '../../router.js';
import { problems } from './schemas.js';

const QueueStatsSchema = z
  .object({
    queueId: z.string(),
    open: z.number().int(),
    active: z.number().int(),
    waiting: z.number().int(),
    wrapUp: z.number().int(),
    longestWaitSeconds: z
      .number()
      .int()
      .openapi({ description: 'Oldest open, unassigned conversation, counted from the customer’s last message' }),
    agentsAvailable: z
      .number()
      .int()
      .openapi({ description: 'Members whose presence is available and who have free capacity' }),
  })
  .openapi('QueueStats');

const AgentOverviewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(['agent', 'supervisor', 'admin']),
    presence: z.enum(['available', 'busy', 'busy_dnd', 'away', 'offline']),
    presenceChangedAt: z.string(),
    capacity: z.object({ total: z.number().int(), used: z.number().int() }),
    activeConversations: z.number().int(),
    waitingConversations: z.number().int(),
    wrapUpConversations: z.number().int(),
    pendingOffers: z.number().int(),
    queueIds: z.array(z.string()),
  })
  .openapi('AgentOverview');

const queueStats = protectedRoute({
  method: 'get',
  path: '/queues/{id}/stats',
  operationId: 'getQueueStats',
  tags: ['Supervision'],
  summary: 'Live counts for one queue (supervisors, admins)',
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: { description: 'Queue stats', content: { 'application/json': { schema: QueueStatsSchema } } },
    401: problems[401],
    403: problems[403],
    404: problems[404],
    422: problems[422],
  },
});

const agentsOverview = protectedRoute({
  method: 'get',
  path: '/agents/overview',
  operationId: 'getAgentsOverview',
  tags: ['Supervision'],
  summary: 'Every agent and supervisor with presence, capacity and conversation counts (supervisors, admins)',
  responses: {
    200: {
      description: 'Agents',
      content: { 'application/json': { schema: z.object({ items: z.array(AgentOverviewSchema) }) } },
    },
    401: problems[401],
    403: problems[403],
  },
});

const count = (cond: ReturnType<typeof sql>) => sql<number>`(count(*) filter (where ${cond}))::int`;

export function statsRoutes(deps: ApiDeps) {
  const app = createRouter();
  const staffOnly = [authenticate(deps), requireRole('supervisor', 'admin')] as const;
  app.use('/queues/:id/stats', ...staffOnly);
  app.use('/agents/overview', ...staffOnly);

  app.openapi(queueStats, async (c) => {
    const { id } = c.req.valid('param');
    const queue = await deps.db.query.queues.findFirst({ where: eq(queues.id, id), columns: { id: true } });
    if (!queue)
      throw new ProblemError(404, `queue ${id} does not exist`, [{ path: 'id', message: `no queue with id ${id}` }]);
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
  });

  app.openapi(agentsOverview, async (c) => {
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
  });
  return app;
}

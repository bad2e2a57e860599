import { z } from '@hono/zod-openapi';
import { and, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { conversations, presenceHistory, users, workstreams } from '../../../db/schema/index.js';
import { ProblemError } from '../../../lib/problem.js';
import { nudgeWaitingConversations } from '../../../temporal/nudge-waiting.js';
import { authenticate } from '../../auth.js';
import { loadConversationSummaries } from '../../conversation-view.js';
import type { ApiDeps } from '../../deps.js';
import { protectedRoute } from '../../route-contract.js';
import { createRouter } from '../../router.js';
import { queueIdsOf } from './access.js';
import { pageConversations } from './conversation-page.js';
import { ConversationPageSchema, listQuery, problems } from './schemas.js';

const PRESENCES = ['available', 'busy', 'busy_dnd', 'away', 'offline'] as const;
/** Extra conversations nudged beyond free capacity: another agent may take some of them first. */
const NUDGE_MARGIN = 2;

const MeSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(['agent', 'supervisor', 'admin']),
    presence: z.enum(PRESENCES),
    presenceChangedAt: z.string(),
    capacity: z.object({ total: z.number().int(), used: z.number().int() }),
    queueIds: z.array(z.string()),
  })
  .openapi('Me');

const getMe = protectedRoute({
  method: 'get',
  path: '/me',
  operationId: 'getMe',
  tags: ['Me'],
  summary: 'The caller: role, presence and capacity',
  responses: {
    200: { description: 'The caller', content: { 'application/json': { schema: MeSchema } } },
    401: problems[401],
  },
});

const putPresence = protectedRoute({
  method: 'put',
  path: '/me/presence',
  operationId: 'setMyPresence',
  tags: ['Me'],
  summary: 'Set presence (recorded in presence history; a freed agent makes waiting conversations retry assignment)',
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ presence: z.enum(PRESENCES) }) } },
    },
  },
  responses: {
    200: { description: 'The caller after the change', content: { 'application/json': { schema: MeSchema } } },
    401: problems[401],
    422: problems[422],
  },
});

const myConversations = protectedRoute({
  method: 'get',
  path: '/me/conversations',
  operationId: 'listMyConversations',
  tags: ['Me'],
  summary: 'Conversations offered to or owned by the caller, newest activity first',
  description: 'Closed conversations are left out unless `state=closed` is asked for.',
  request: {
    query: z.object({ state: z.enum(['open', 'active', 'waiting', 'wrap_up', 'closed']).optional(), ...listQuery }),
  },
  responses: {
    200: {
      description: 'A page of conversations',
      content: { 'application/json': { schema: ConversationPageSchema } },
    },
    401: problems[401],
    422: problems[422],
  },
});

const myBacklog = protectedRoute({
  method: 'get',
  path: '/me/backlog',
  operationId: 'listMyBacklog',
  tags: ['Me'],
  summary: 'Pick-mode backlog: open, unassigned conversations of pick-mode workstreams in the caller’s queues',
  description: 'Longest-waiting first (by the customer’s last message).',
  request: { query: z.object(listQuery) },
  responses: {
    200: {
      description: 'A page of conversations',
      content: { 'application/json': { schema: ConversationPageSchema } },
    },
    401: problems[401],
    422: problems[422],
  },
});

export function meRoutes(deps: ApiDeps) {
  const app = createRouter();
  app.use('/me', authenticate(deps));
  app.use('/me/*', authenticate(deps));

  async function me(userId: string) {
    const [u, queueIds] = await Promise.all([
      deps.db.query.users.findFirst({ where: eq(users.id, userId) }),
      queueIdsOf(deps.db, userId),
    ]);
    if (!u) throw new ProblemError(401, 'the bearer token belongs to a deleted user');
    return {
      id: u.id,
      name: u.name,
      role: u.role,
      presence: u.presence,
      presenceChangedAt: u.presenceChangedAt.toISOString(),
      capacity: { total: u.capacity, used: u.capacityUsed },
      queueIds,
    };
  }

  app.openapi(getMe, async (c) => c.json(await me(c.get('user').id), 200));

  app.openapi(putPresence, async (c) => {
    const userId = c.get('user').id;
    const { presence } = c.req.valid('json');
    const changed = await deps.db.transaction(async (tx) => {
      const [before] = await tx
        .select({ presence: users.presence })
        .from(users)
        .where(eq(users.id, userId))
        .for('update');
      if (!before) throw new ProblemError(401, 'the bearer token belongs to a deleted user');
      if (before.presence === presence) return false;
      await tx.update(users).set({ presence, presenceChangedAt: sql`now()` }).where(eq(users.id, userId));
      await tx.insert(presenceHistory).values({ userId, presence, source: 'manual' });
      return true;
    });
    const view = await me(userId);
    if (changed && presence !== 'offline') {
      const free = view.capacity.total - view.capacity.used;
      try {
        const { failed } = await nudgeWaitingConversations({
          db: deps.db,
          temporal: deps.temporal,
          queueIds: view.queueIds,
          limit: free > 0 ? free + NUDGE_MARGIN : 0,
          presence,
        });
        if (failed.length) deps.logger.warn({ failed }, 'some waiting conversations could not be nudged');
      } catch (err) {
        // The presence is saved; the next trigger (inbound, release, presence) retries assignment.
        deps.logger.warn({ err }, 'nudging waiting conversations failed');
      }
    }
    return c.json(view, 200);
  });

  app.openapi(myConversations, async (c) => {
    const userId = c.get('user').id;
    const q = c.req.valid('query');
    const page = await pageConversations(deps.db, {
      where: and(
        or(eq(conversations.agentId, userId), eq(conversations.offeredAgentId, userId)),
        q.state ? eq(conversations.state, q.state) : ne(conversations.state, 'closed'),
      ),
      order: 'activity',
      cursor: q.cursor,
      limit: q.limit,
    });
    return c.json(
      { items: await loadConversationSummaries(deps.db, deps.config, page.rows), nextCursor: page.nextCursor },
      200,
    );
  });

  app.openapi(myBacklog, async (c) => {
    const userId = c.get('user').id;
    const q = c.req.valid('query');
    const queueIds = await queueIdsOf(deps.db, userId);
    if (!queueIds.length) return c.json({ items: [], nextCursor: null }, 200);
    const pickStreams = deps.db
      .select({ id: workstreams.id })
      .from(workstreams)
      .where(eq(workstreams.distributionMode, 'pick'));
    const page = await pageConversations(deps.db, {
      where: and(
        eq(conversations.state, 'open'),
        isNull(conversations.agentId),
        eq(conversations.withBot, false),
        inArray(conversations.queueId, queueIds),
        inArray(conversations.workstreamId, pickStreams),
      ),
      order: 'waiting',
      cursor: q.cursor,
      limit: q.limit,
    });
    return c.json(
      { items: await loadConversationSummaries(deps.db, deps.config, page.rows), nextCursor: page.nextCursor },
      200,
    );
  });
  return app;
}

import { and, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { conversations, presenceHistory, users, workstreams } from '../../../db/schema/index.js';
import { ProblemError } from '../../../lib/problem.js';
import { nudgeWaitingConversations } from '../../../temporal/nudge-waiting.js';
import type { ApiDeps } from '../../deps.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import { queueIdsOf } from '../conversations/access.js';
import { pageOfSummaries } from '../conversations/conversation-page.js';
import type * as routes from './me.routes.js';

/** Extra conversations nudged beyond free capacity: another agent may take some of them first. */
const NUDGE_MARGIN = 2;

async function me(deps: ApiDeps, userId: string) {
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

export const getMe: AppRouteHandler<typeof routes.getMe> = async (c) =>
  c.json(await me(c.var.deps, c.var.user.id), 200);

export const setPresence: AppRouteHandler<typeof routes.setPresence> = async (c) => {
  const deps = c.var.deps;
  const userId = c.var.user.id;
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
  const view = await me(deps, userId);
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
};

export const listMyConversations: AppRouteHandler<typeof routes.listMyConversations> = async (c) => {
  const deps = c.var.deps;
  const userId = c.var.user.id;
  const q = c.req.valid('query');
  return c.json(
    await pageOfSummaries(deps, c.var.user, {
      where: and(
        or(eq(conversations.agentId, userId), eq(conversations.offeredAgentId, userId)),
        q.state ? eq(conversations.state, q.state) : ne(conversations.state, 'closed'),
      ),
      order: 'activity',
      cursor: q.cursor,
      limit: q.limit,
    }),
    200,
  );
};

export const listMyBacklog: AppRouteHandler<typeof routes.listMyBacklog> = async (c) => {
  const deps = c.var.deps;
  const userId = c.var.user.id;
  const q = c.req.valid('query');
  const queueIds = await queueIdsOf(deps.db, userId);
  if (!queueIds.length) return c.json({ items: [], nextCursor: null }, 200);
  const pickStreams = deps.db
    .select({ id: workstreams.id })
    .from(workstreams)
    .where(eq(workstreams.distributionMode, 'pick'));
  return c.json(
    await pageOfSummaries(deps, c.var.user, {
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
    }),
    200,
  );
};

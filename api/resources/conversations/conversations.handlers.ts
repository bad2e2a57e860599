import type { z } from '@hono/zod-openapi';
import { and, eq, inArray, or, type SQL } from 'drizzle-orm';
import { conversations } from '../../../db/schema/index.js';
import { ProblemError } from '../../../lib/problem.js';
import { loadConversationView } from '../../conversation-view.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import { conversationProblem } from '../../workflow-errors.js';
import { isStaff, loadReadableConversation } from './access.js';
import { pageOfSummaries } from './conversation-page.js';
import type * as routes from './conversations.routes.js';

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { deps, user } = c.var;
  const q = c.req.valid('query');
  const filters: (SQL | undefined)[] = [
    q.state ? inArray(conversations.state, q.state.split(',') as z.infer<typeof routes.stateEnum>[]) : undefined,
    q.queueId ? eq(conversations.queueId, q.queueId) : undefined,
    q.agentId ? eq(conversations.agentId, q.agentId) : undefined,
  ];
  if (!isStaff(user)) {
    if (q.agentId && q.agentId !== user.id) {
      throw new ProblemError(403, 'agentId: agents may list only their own conversations', [
        { path: 'agentId', message: 'must be your own id' },
      ]);
    }
    filters.push(or(eq(conversations.agentId, user.id), eq(conversations.offeredAgentId, user.id)));
  }
  return c.json(
    await pageOfSummaries(deps, c.var.user, {
      where: and(...filters),
      order: 'activity',
      cursor: q.cursor,
      limit: q.limit,
    }),
    200,
  );
};

export const get: AppRouteHandler<typeof routes.get> = async (c) => {
  const { deps, user } = c.var;
  const { id } = c.req.valid('param');
  await loadReadableConversation(deps.db, user, id);
  const view = await loadConversationView(deps.db, deps.config, id, user);
  if (!view) throw conversationProblem.notFound(id);
  return c.json(view, 200);
};

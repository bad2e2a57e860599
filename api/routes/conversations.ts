import { z } from '@hono/zod-openapi';
import { and, eq, inArray, or, type SQL } from 'drizzle-orm';
import { conversations } from '../../db/schema/index.js';
import { ProblemError } from '../../lib/problem.js';
import { authenticate } from '../auth.js';
import { loadConversationSummaries, loadConversationView } from '../conversation-view.js';
import type { ApiDeps } from '../deps.js';
import { protectedRoute } from '../route-contract.js';
import { createRouter } from '../router.js';
import { conversationProblem } from '../workflow-errors.js';
import { isStaff, loadReadableConversation } from './agent/access.js';
import { pageConversations } from './agent/conversation-page.js';
import { ConversationPageSchema, ConversationSchema, listQuery, problems } from './agent/schemas.js';

const stateEnum = z.enum(['open', 'active', 'waiting', 'wrap_up', 'closed']);

const listConversations = protectedRoute({
  method: 'get',
  path: '/conversations',
  operationId: 'listConversations',
  tags: ['Conversations'],
  summary: 'Conversations, newest activity first',
  description:
    'Supervisors and admins see all conversations; agents see those assigned or offered to them (agentId may only ' +
    'name themselves). Page with `cursor` = the previous page’s `nextCursor`.',
  request: {
    query: z.object({
      state: z
        .string()
        .regex(
          new RegExp(`^(${stateEnum.options.join('|')})(,(${stateEnum.options.join('|')}))*$`),
          `must be one or more of ${stateEnum.options.join(', ')}, comma-separated`,
        )
        .optional()
        .openapi({ example: 'open,active,waiting,wrap_up' }),
      queueId: z.uuid().optional(),
      agentId: z.uuid().optional(),
      ...listQuery,
    }),
  },
  responses: {
    200: {
      description: 'A page of conversations',
      content: { 'application/json': { schema: ConversationPageSchema } },
    },
    401: problems[401],
    403: problems[403],
    422: problems[422],
  },
});

const getConversation = protectedRoute({
  method: 'get',
  path: '/conversations/{id}',
  operationId: 'getConversation',
  tags: ['Conversations'],
  summary: 'A conversation with its full transcript, consent state, routing trace and workflow link',
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: { description: 'A conversation', content: { 'application/json': { schema: ConversationSchema } } },
    401: problems[401],
    403: problems[403],
    404: problems[404],
    422: problems[422],
  },
});

export function conversationRoutes(deps: ApiDeps) {
  const app = createRouter();
  // Path-scoped, not '*': this router is mounted at the API root beside others (and the OpenAPI document).
  app.use('/conversations', authenticate(deps));
  app.use('/conversations/*', authenticate(deps));

  app.openapi(listConversations, async (c) => {
    const user = c.get('user');
    const q = c.req.valid('query');
    const filters: (SQL | undefined)[] = [
      q.state ? inArray(conversations.state, q.state.split(',') as z.infer<typeof stateEnum>[]) : undefined,
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
    const page = await pageConversations(deps.db, {
      where: and(...filters),
      order: 'activity',
      cursor: q.cursor,
      limit: q.limit,
    });
    const items = await loadConversationSummaries(deps.db, deps.config, page.rows);
    return c.json({ items, nextCursor: page.nextCursor }, 200);
  });

  app.openapi(getConversation, async (c) => {
    const { id } = c.req.valid('param');
    await loadReadableConversation(deps.db, c.get('user'), id);
    const view = await loadConversationView(deps.db, deps.config, id);
    if (!view) throw conversationProblem.notFound(id);
    return c.json(view, 200);
  });
  return app;
}

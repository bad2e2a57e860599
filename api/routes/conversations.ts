import { createRoute, z } from '@hono/zod-openapi';
import { notFound } from '../../lib/problem.js';
import { authenticate } from '../auth.js';
import { loadConversationView } from '../conversation-view.js';
import type { ApiDeps } from '../deps.js';
import { createRouter } from '../router.js';

const getConversation = createRoute({
  method: 'get',
  path: '/conversations/{id}',
  tags: ['Conversations'],
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: { description: 'A conversation with its transcript' } },
});

export function conversationRoutes(deps: ApiDeps) {
  const app = createRouter();
  app.use('*', authenticate(deps));
  app.openapi(getConversation, async (c) => {
    const { id } = c.req.valid('param');
    const view = await loadConversationView(deps.db, deps.config, id);
    if (!view) throw notFound('conversation', id);
    return c.json(view, 200);
  });
  return app;
}

import type { ApiDeps } from '../../deps.js';
import { createRouter } from '../../router.js';
import { conversationRoutes } from '../conversations.js';

/** Agents and supervisors: me, presence, conversation lists and actions, queue stats, live events. */
export function agentRoutes(deps: ApiDeps) {
  const app = createRouter();
  app.route('/', conversationRoutes(deps));
  return app;
}

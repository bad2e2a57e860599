import type { ApiDeps } from '../../deps.js';
import { eventRoutes } from '../../events/routes.js';
import { createRouter } from '../../router.js';
import { conversationRoutes } from '../conversations.js';
import { actionRoutes } from './actions.js';
import { meRoutes } from './me.js';
import { statsRoutes } from './stats.js';

/** Agents and supervisors: me, presence, conversation lists and actions, queue stats, live events. */
export function agentRoutes(deps: ApiDeps) {
  const app = createRouter();
  app.route('/', meRoutes(deps));
  app.route('/', conversationRoutes(deps));
  app.route('/', actionRoutes(deps));
  app.route('/', statsRoutes(deps));
  app.route('/', eventRoutes(deps));
  return app;
}

import type { ApiDeps } from '../../deps.js';
import { createRouter } from '../../router.js';

/** Channel setup (admin): settings, messaging accounts, numbers, queues, workstreams, channels, rules, agents, bots. */
export function setupRoutes(_deps: ApiDeps) {
  const app = createRouter();
  return app;
}

import { requireRole } from '../../auth.js';
import { authenticated, guardedRouter } from '../../middleware/authenticated.js';
import * as handlers from './stats.handlers.js';
import * as routes from './stats.routes.js';

const staffOnly = [authenticated, requireRole('supervisor', 'admin')] as const;

/** Supervision (supervisors, admins), under /queues: a queue's live counts. */
export const queueStatsRouter = guardedRouter(['/:id/stats', ...staffOnly]).openapi(
  routes.getQueueStats,
  handlers.getQueueStats,
);

/** Supervision (supervisors, admins), under /agents: every agent's presence and load. */
export const agentsOverviewRouter = guardedRouter(['/overview', ...staffOnly]).openapi(
  routes.getAgentsOverview,
  handlers.getAgentsOverview,
);

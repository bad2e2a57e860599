import { requireRole } from '../../auth.js';
import { authenticated, guardedRouter } from '../../middleware/authenticated.js';
import * as handlers from './stats.handlers.js';
import * as routes from './stats.routes.js';

const staffOnly = [authenticated, requireRole('supervisor', 'admin')] as const;

/** Supervision: live queue counts and the agents overview (supervisors, admins). */
export const statsRouter = guardedRouter(['/queues/:id/stats', ...staffOnly], ['/agents/overview', ...staffOnly])
  .openapi(routes.getQueueStats, handlers.getQueueStats)
  .openapi(routes.getAgentsOverview, handlers.getAgentsOverview);

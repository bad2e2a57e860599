import { createRouter } from '../../router.js';
import * as handlers from './reports.handlers.js';
import * as routes from './reports.routes.js';

/** Under /reports: daily reports per queue and per agent, as JSON or CSV (supervisors, admins). */
export const reportsRouter = createRouter()
  .openapi(routes.queueReport, handlers.queueReport)
  .openapi(routes.agentReport, handlers.agentReport);

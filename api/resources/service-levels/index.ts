import { createRouter } from '../../router.js';
import * as handlers from './service-levels.handlers.js';
import { channelCsatRoutes, queueSlaRoutes } from './service-levels.routes.js';

/** SLA targets per queue and the CSAT survey per channel (issue #16). */
export const serviceLevels = createRouter()
  .openapi(queueSlaRoutes.get, handlers.getQueueSla)
  .openapi(queueSlaRoutes.update, handlers.updateQueueSla)
  .openapi(channelCsatRoutes.get, handlers.getChannelCsat)
  .openapi(channelCsatRoutes.update, handlers.updateChannelCsat);

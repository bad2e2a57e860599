import { createRouter } from '../../router.js';
import * as handlers from './service-levels.handlers.js';
import * as routes from './service-levels.routes.js';

/** SLA targets per queue and the CSAT survey per channel (issue #16). */
export const serviceLevels = createRouter()
  .openapi(routes.getQueueSla, handlers.getQueueSla)
  .openapi(routes.updateQueueSla, handlers.updateQueueSla)
  .openapi(routes.getChannelCsat, handlers.getChannelCsat)
  .openapi(routes.updateChannelCsat, handlers.updateChannelCsat);

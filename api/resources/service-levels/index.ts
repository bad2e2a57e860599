import { createRouter } from '../../router.js';
import * as handlers from './service-levels.handlers.js';
import { channelCsatRoutes, queueSlaRoutes } from './service-levels.routes.js';

/** Under /queues: a queue's SLA targets (issue #16). */
export const queueSlaRouter = createRouter()
  .openapi(queueSlaRoutes.get, handlers.getQueueSla)
  .openapi(queueSlaRoutes.update, handlers.updateQueueSla);

/** Under /sms-channels: a channel's CSAT survey (issue #16). */
export const channelCsatRouter = createRouter()
  .openapi(channelCsatRoutes.get, handlers.getChannelCsat)
  .openapi(channelCsatRoutes.update, handlers.updateChannelCsat);

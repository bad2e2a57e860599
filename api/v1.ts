import { describeApi } from './openapi-document.js';
import {
  attachmentsRouter,
  conversationAttachmentsRouter,
  publicAttachmentsRouter,
} from './resources/attachments/index.js';
import { conversationActionsRouter } from './resources/conversation-actions/index.js';
import { conversationStartRouter, outboundChannelsRouter } from './resources/conversation-start/index.js';
import { conversationsRouter } from './resources/conversations/index.js';
import { eventsRouter } from './resources/events/index.js';
import { inboxRouter } from './resources/inbox/index.js';
import { setupResources } from './resources/index.js';
import { meRouter } from './resources/me/index.js';
import { reportsRouter } from './resources/reports/index.js';
import { channelCsatRouter, queueSlaRouter } from './resources/service-levels/index.js';
import { agentsOverviewRouter, queueStatsRouter } from './resources/stats/index.js';
import { createRouter } from './router.js';

/**
 * The /api/v1 router: every resource at its own path, chained so ApiType carries each route. Literal paths (`/agents/overview`) come
 * before resources with an id in the same place (`/agents/{id}`). Handlers read their dependencies from `c.var.deps`,
 * so one router serves every app that mounts it.
 */
const apiV1 = createRouter()
  .route('/queues', queueStatsRouter)
  .route('/agents', agentsOverviewRouter)
  .route('/me', meRouter)
  // Several routers share /conversations; the first one's guard (any signed-in user) covers the whole subtree.
  .route('/conversations', conversationsRouter)
  .route('/conversations', conversationStartRouter)
  .route('/outbound-channels', outboundChannelsRouter)
  .route('/conversations', conversationActionsRouter)
  .route('/conversations', conversationAttachmentsRouter)
  .route('/attachments', attachmentsRouter)
  .route('/public', publicAttachmentsRouter)
  .route('/events', eventsRouter)
  .route('/inbox', inboxRouter)
  .route('/reports', reportsRouter)
  .route('/queues', queueSlaRouter)
  .route('/sms-channels', channelCsatRouter)
  .route('/', setupResources);
describeApi(apiV1);

/** The API at its public paths (/api/v1/…): what the app mounts and what clients see. */
export const api = createRouter().route('/api/v1', apiV1);

/** The API's routes as a type: clients build on it (`hc<ApiType>`, through contract/api-type.ts for web/). */
export type ApiType = typeof api;

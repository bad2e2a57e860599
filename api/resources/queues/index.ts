import { createRouter } from '../../router.js';
import * as handlers from './queues.handlers.js';
import * as routes from './queues.routes.js';

export const queues = createRouter()
  .openapi(routes.createQueue, handlers.createQueue)
  .openapi(routes.listQueues, handlers.listQueues)
  .openapi(routes.getQueue, handlers.getQueue)
  .openapi(routes.updateQueue, handlers.updateQueue)
  .openapi(routes.deleteQueue, handlers.deleteQueue);

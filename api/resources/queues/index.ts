import { crudRouter } from '../../lib/crud-routes.js';
import { queueHandlers } from './queues.handlers.js';
import { queueRoutes } from './queues.routes.js';

export const queues = crudRouter(queueRoutes, queueHandlers);

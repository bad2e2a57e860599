import { crudRouter } from '../../lib/crud-routes.js';
import { botHandlers } from './bots.handlers.js';
import { botRoutes } from './bots.routes.js';

export const bots = crudRouter(botRoutes, botHandlers);

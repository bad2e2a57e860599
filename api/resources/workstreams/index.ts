import { crudRouter } from '../../lib/crud-routes.js';
import { workstreamHandlers } from './workstreams.handlers.js';
import { workstreamRoutes } from './workstreams.routes.js';

export const workstreams = crudRouter(workstreamRoutes, workstreamHandlers);

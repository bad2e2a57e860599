import { crudRouter } from '../../lib/crud-routes.js';
import { agentHandlers, rotateAgentToken } from './agents.handlers.js';
import * as routes from './agents.routes.js';

export const agents = crudRouter(routes.agentRoutes, agentHandlers).openapi(routes.rotateAgentToken, rotateAgentToken);

import { createRouter } from '../../router.js';
import * as handlers from './agents.handlers.js';
import * as routes from './agents.routes.js';

export const agents = createRouter()
  .openapi(routes.createAgent, handlers.createAgent)
  .openapi(routes.listAgents, handlers.listAgents)
  .openapi(routes.getAgent, handlers.getAgent)
  .openapi(routes.updateAgent, handlers.updateAgent)
  .openapi(routes.rotateAgentToken, handlers.rotateAgentToken);

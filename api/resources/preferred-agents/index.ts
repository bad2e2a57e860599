import { createRouter } from '../../router.js';
import * as handlers from './preferred-agents.handlers.js';
import * as routes from './preferred-agents.routes.js';

export const preferredAgentsResource = createRouter()
  .openapi(routes.listPreferredAgents, handlers.listPreferredAgents)
  .openapi(routes.getPreferredAgents, handlers.getPreferredAgents)
  .openapi(routes.setPreferredAgents, handlers.setPreferredAgents)
  .openapi(routes.deletePreferredAgents, handlers.deletePreferredAgents);

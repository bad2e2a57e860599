import { createRouter } from '../../router.js';
import * as handlers from './routing-rules.handlers.js';
import * as routes from './routing-rules.routes.js';

export const routingRules = createRouter()
  .openapi(routes.createRoutingRule, handlers.createRoutingRule)
  .openapi(routes.listRoutingRules, handlers.listRoutingRules)
  .openapi(routes.getRoutingRule, handlers.getRoutingRule)
  .openapi(routes.updateRoutingRule, handlers.updateRoutingRule)
  .openapi(routes.deleteRoutingRule, handlers.deleteRoutingRule)
  .openapi(routes.evaluateRoutingRules, handlers.evaluateRoutingRules);

import { crudRouter } from '../../lib/crud-routes.js';
import { evaluateRoutingRules, routingRuleHandlers } from './routing-rules.handlers.js';
import * as routes from './routing-rules.routes.js';

/** Mounted at /workstreams/:id/routing-rules; `/evaluate` is a literal beside `/{ruleId}` (POST only there). */
export const routingRules = crudRouter(routes.routingRuleRoutes, routingRuleHandlers).openapi(
  routes.evaluateRoutingRules,
  evaluateRoutingRules,
);

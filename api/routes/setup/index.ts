import type { ApiDeps } from '../../deps.js';
import { createRouter } from '../../router.js';
import { agentAdminRoutes } from './agents.js';
import { auditLogRoutes } from './audit-log.js';
import { automatedMessageRoutes } from './automated-messages.js';
import { botRoutes } from './bots.js';
import { messagingAccountRoutes } from './messaging-accounts.js';
import { phoneNumberRoutes } from './phone-numbers.js';
import { queueRoutes } from './queues.js';
import { routingRuleRoutes } from './routing-rules.js';
import { settingsRoutes } from './settings.js';
import { smsChannelRoutes } from './sms-channels.js';
import { workstreamRoutes } from './workstreams.js';

/**
 * Channel setup (admin): settings, messaging accounts, numbers, queues, workstreams, channels, rules, agents, bots.
 * Each route carries its own guard (authenticate + role) so these routers never affect routes mounted beside them.
 */
export function setupRoutes(deps: ApiDeps) {
  const app = createRouter();
  app.route('/', settingsRoutes(deps));
  app.route('/', messagingAccountRoutes(deps));
  app.route('/', phoneNumberRoutes(deps));
  app.route('/', queueRoutes(deps));
  app.route('/', workstreamRoutes(deps));
  app.route('/', smsChannelRoutes(deps));
  app.route('/', routingRuleRoutes(deps));
  app.route('/', agentAdminRoutes(deps));
  app.route('/', botRoutes(deps));
  app.route('/', automatedMessageRoutes(deps));
  app.route('/', auditLogRoutes(deps));
  return app;
}

import { createRouter } from '../router.js';
import { agents } from './agents/index.js';
import { auditLog } from './audit-log/index.js';
import { automatedMessages } from './automated-messages/index.js';
import { bots } from './bots/index.js';
import { calendarsResource } from './calendars/index.js';
import { customersResource } from './customers/index.js';
import { loginLinks } from './login-links/index.js';
import { messagingAccounts } from './messaging-accounts/index.js';
import { accountPhoneNumbers, phoneNumbers } from './phone-numbers/index.js';
import { preferredAgentsResource } from './preferred-agents/index.js';
import { queues } from './queues/index.js';
import { quickRepliesResource } from './quick-replies/index.js';
import { readiness } from './readiness/index.js';
import { routingRules } from './routing-rules/index.js';
import { searchResource } from './search/index.js';
import { settings } from './settings/index.js';
import { smsChannels } from './sms-channels/index.js';
import { workstreams } from './workstreams/index.js';

/**
 * Channel setup (admin): each resource at its own path under /api/v1. Each route carries its own guard, so these
 * routers never affect routes mounted beside them. Mount literal siblings (the agent API's /agents/overview) before
 * this router: an `{id}` segment that is not UUID-shaped answers 404 here (route-helpers.ts).
 */
export const setupResources = createRouter()
  .route('/settings', settings)
  .route('/messaging-accounts', messagingAccounts)
  .route('/messaging-accounts/:id/phone-numbers', accountPhoneNumbers)
  .route('/phone-numbers', phoneNumbers)
  .route('/queues', queues)
  .route('/calendars', calendarsResource)
  .route('/workstreams', workstreams)
  .route('/workstreams/:id/sms-channels', smsChannels)
  .route('/workstreams/:id/routing-rules', routingRules)
  .route('/workstreams/:id/preferred-agents', preferredAgentsResource)
  .route('/workstreams/:id/readiness', readiness)
  .route('/agents', agents)
  .route('/agents/:id/login-links', loginLinks)
  .route('/bots', bots)
  .route('/automated-messages', automatedMessages)
  .route('/audit-log', auditLog)
  // Agent workspace (issue #15): customer profiles, search, quick replies.
  .route('/customers', customersResource)
  .route('/search', searchResource)
  .route('/quick-replies', quickRepliesResource);

export type SetupApi = typeof setupResources;

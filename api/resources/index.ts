import { createRouter } from '../router.js';
import { agents } from './agents/index.js';
import { auditLog } from './audit-log/index.js';
import { automatedMessages } from './automated-messages/index.js';
import { bots } from './bots/index.js';
import { loginLinks } from './login-links/index.js';
import { messagingAccounts } from './messaging-accounts/index.js';
import { accountPhoneNumbers, phoneNumbers } from './phone-numbers/index.js';
import { queues } from './queues/index.js';
import { readiness } from './readiness/index.js';
import { routingRules } from './routing-rules/index.js';
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
  .route('/workstreams', workstreams)
  .route('/workstreams/:id/sms-channels', smsChannels)
  .route('/workstreams/:id/routing-rules', routingRules)
  .route('/workstreams/:id/readiness', readiness)
  .route('/agents', agents)
  .route('/agents/:id/login-links', loginLinks)
  .route('/bots', bots)
  .route('/automated-messages', automatedMessages)
  .route('/audit-log', auditLog);

export type SetupApi = typeof setupResources;

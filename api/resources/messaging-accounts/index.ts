import { crudRouter } from '../../lib/crud-routes.js';
import { messagingAccountHandlers, validateMessagingAccount } from './messaging-accounts.handlers.js';
import * as routes from './messaging-accounts.routes.js';

export const messagingAccounts = crudRouter(routes.messagingAccountRoutes, messagingAccountHandlers).openapi(
  routes.validateMessagingAccount,
  validateMessagingAccount,
);

import { createRouter } from '../../router.js';
import * as handlers from './messaging-accounts.handlers.js';
import * as routes from './messaging-accounts.routes.js';

export const messagingAccounts = createRouter()
  .openapi(routes.createMessagingAccount, handlers.createMessagingAccount)
  .openapi(routes.listMessagingAccounts, handlers.listMessagingAccounts)
  .openapi(routes.getMessagingAccount, handlers.getMessagingAccount)
  .openapi(routes.updateMessagingAccount, handlers.updateMessagingAccount)
  .openapi(routes.deleteMessagingAccount, handlers.deleteMessagingAccount)
  .openapi(routes.validateMessagingAccount, handlers.validateMessagingAccount);

import { authenticated, guardedRouter } from '../../middleware/authenticated.js';
import * as handlers from './me.handlers.js';
import * as routes from './me.routes.js';
import * as preferences from './preferences.js';

/** Under /me: the caller, their presence, their conversations and their pick backlog. */
export const meRouter = guardedRouter(['/', authenticated], ['/*', authenticated])
  .openapi(routes.getMe, handlers.getMe)
  .openapi(routes.setPresence, handlers.setPresence)
  .openapi(routes.listMyConversations, handlers.listMyConversations)
  .openapi(routes.listMyBacklog, handlers.listMyBacklog)
  .openapi(preferences.getRoute, preferences.get)
  .openapi(preferences.putRoute, preferences.put);

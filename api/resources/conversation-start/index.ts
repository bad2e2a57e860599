import { createRouter } from '../../router.js';
import * as handlers from './start.handlers.js';
import * as routes from './start.routes.js';

/** POST /conversations: an agent texts a customer first (the route authenticates itself). */
export const conversationStartRouter = createRouter()
  .openapi(routes.startConversation, handlers.startConversation)
  .openapi(routes.listStartChannels, handlers.listStartChannels);

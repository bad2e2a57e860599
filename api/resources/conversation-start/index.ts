import { createRouter } from '../../router.js';
import * as handlers from './start.handlers.js';
import * as routes from './start.routes.js';

/** POST /conversations (mounted there): an agent texts a customer first (the route authenticates itself). */
export const conversationStartRouter = createRouter().openapi(routes.startConversation, handlers.startConversation);

/** GET /outbound-channels (mounted there): the channels the caller may start a conversation from. */
export const outboundChannelsRouter = createRouter().openapi(routes.listStartChannels, handlers.listStartChannels);

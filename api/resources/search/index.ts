import { createRouter } from '../../router.js';
import * as handlers from './search.handlers.js';
import * as routes from './search.routes.js';

export const searchResource = createRouter().openapi(routes.searchConversations, handlers.searchConversations);

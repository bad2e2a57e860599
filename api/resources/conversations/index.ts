import { authenticated, guardedRouter } from '../../middleware/authenticated.js';
import * as handlers from './conversations.handlers.js';
import * as routes from './conversations.routes.js';

/** Under /conversations, GET / and /{id}: lists and transcripts, as far as the caller may see them. */
export const conversationsRouter = guardedRouter(['/', authenticated], ['/*', authenticated])
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get);

import { authenticated, guardedRouter } from '../../middleware/authenticated.js';
import * as handlers from './conversations.handlers.js';
import * as routes from './conversations.routes.js';

/** GET /conversations and /conversations/{id}: lists and transcripts, as far as the caller may see them. */
export const conversationsRouter = guardedRouter(['/conversations', authenticated], ['/conversations/*', authenticated])
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get);

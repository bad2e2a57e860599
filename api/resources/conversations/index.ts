import { authenticated } from '../../middleware/authenticated.js';
import { createRouter } from '../../router.js';
import * as handlers from './conversations.handlers.js';
import * as routes from './conversations.routes.js';

/** GET /conversations and /conversations/{id}: lists and transcripts, as far as the caller may see them. */
export const conversationsRouter = createRouter()
  // Path-scoped, not '*': this router is mounted at the API root beside others (and the OpenAPI document).
  .use('/conversations', authenticated)
  .use('/conversations/*', authenticated)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get);

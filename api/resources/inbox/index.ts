import { createRouter } from '../../router.js';
import * as handlers from './inbox.handlers.js';
import * as routes from './inbox.routes.js';

/** Under /inbox (admin): TeleSign callbacks as received, and the release of SMS held while SMS was switched off. */
export const inboxRouter = createRouter()
  .openapi(routes.listInbox, handlers.listInbox)
  .openapi(routes.releaseHeldInbox, handlers.releaseHeldInbox);

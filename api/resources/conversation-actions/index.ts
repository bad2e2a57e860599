import { requireRole } from '../../auth.js';
import { authenticated } from '../../middleware/authenticated.js';
import { createRouter } from '../../router.js';
import * as handlers from './actions.handlers.js';
import * as routes from './actions.routes.js';

/** POST /conversations/{id}/{action}: accept, reject, pick, wait, end, close, transfer, notes, assign, force-close, messages. */
export const conversationActionsRouter = createRouter()
  .use('/conversations/:id/*', authenticated)
  .use('/conversations/:id/assign', requireRole('supervisor', 'admin'))
  .use('/conversations/:id/force-close', requireRole('supervisor', 'admin'))
  .openapi(routes.accept, handlers.accept)
  .openapi(routes.reject, handlers.reject)
  .openapi(routes.pick, handlers.pick)
  .openapi(routes.wait, handlers.wait)
  .openapi(routes.end, handlers.end)
  .openapi(routes.close, handlers.close)
  .openapi(routes.transfer, handlers.transfer)
  .openapi(routes.notes, handlers.notes)
  .openapi(routes.assign, handlers.assign)
  .openapi(routes.forceClose, handlers.forceClose)
  .openapi(routes.sendMessage, handlers.sendMessage);

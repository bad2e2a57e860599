import { requireRole } from '../../auth.js';
import { authenticated, guardedRouter } from '../../middleware/authenticated.js';
import * as handlers from './actions.handlers.js';
import * as routes from './actions.routes.js';
import * as transferTargets from './transfer-targets.js';

/** Under /conversations, POST /{id}/{action}: accept, reject, pick, wait, end, close, transfer, notes, assign, force-close, messages. */
export const conversationActionsRouter = guardedRouter(
  ['/:id/*', authenticated],
  ['/:id/assign', requireRole('supervisor', 'admin')],
  ['/:id/force-close', requireRole('supervisor', 'admin')],
)
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
  .openapi(routes.sendMessage, handlers.sendMessage)
  .openapi(transferTargets.route, transferTargets.handler);

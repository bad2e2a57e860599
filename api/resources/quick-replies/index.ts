import { createRouter } from '../../router.js';
import * as handlers from './quick-replies.handlers.js';
import * as routes from './quick-replies.routes.js';

export const quickRepliesResource = createRouter()
  .openapi(routes.listQuickReplies, handlers.listQuickReplies)
  .openapi(routes.createQuickReply, handlers.createQuickReply)
  .openapi(routes.updateQuickReply, handlers.updateQuickReply)
  .openapi(routes.deleteQuickReply, handlers.deleteQuickReply);

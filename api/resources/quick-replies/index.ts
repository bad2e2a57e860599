import { crudRouter } from '../../lib/crud-routes.js';
import { quickReplyHandlers } from './quick-replies.handlers.js';
import { quickReplyRoutes } from './quick-replies.routes.js';

/** No `get`: the workspace reads the list, and an edit answers the reply. */
export const quickRepliesResource = crudRouter(quickReplyRoutes, quickReplyHandlers);

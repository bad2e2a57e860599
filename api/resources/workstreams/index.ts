import { createRouter } from '../../router.js';
import * as handlers from './workstreams.handlers.js';
import * as routes from './workstreams.routes.js';

export const workstreams = createRouter()
  .openapi(routes.createWorkstream, handlers.createWorkstream)
  .openapi(routes.listWorkstreams, handlers.listWorkstreams)
  .openapi(routes.getWorkstream, handlers.getWorkstream)
  .openapi(routes.updateWorkstream, handlers.updateWorkstream)
  .openapi(routes.deleteWorkstream, handlers.deleteWorkstream);

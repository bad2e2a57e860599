import { createRouter } from '../../router.js';
import * as handlers from './readiness.handlers.js';
import * as routes from './readiness.routes.js';

export const readiness = createRouter()
  .openapi(routes.getReadiness, handlers.getReadiness)
  .openapi(routes.sendTestSms, handlers.sendTestSms);

import { createRouter } from '../../router.js';
import * as handlers from './settings.handlers.js';
import * as routes from './settings.routes.js';

export const settings = createRouter()
  .openapi(routes.getSettings, handlers.getSettings)
  .openapi(routes.updateSettings, handlers.updateSettings);

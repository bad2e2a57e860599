import { createRouter } from '../../router.js';
import * as handlers from './bots.handlers.js';
import * as routes from './bots.routes.js';

export const bots = createRouter()
  .openapi(routes.createBot, handlers.createBot)
  .openapi(routes.listBots, handlers.listBots)
  .openapi(routes.getBot, handlers.getBot)
  .openapi(routes.updateBot, handlers.updateBot)
  .openapi(routes.deleteBot, handlers.deleteBot);

import { createRouter } from '../../router.js';
import * as handlers from './sms-channels.handlers.js';
import * as routes from './sms-channels.routes.js';

export const smsChannels = createRouter()
  .openapi(routes.createSmsChannel, handlers.createSmsChannel)
  .openapi(routes.listSmsChannels, handlers.listSmsChannels)
  .openapi(routes.getSmsChannel, handlers.getSmsChannel)
  .openapi(routes.updateSmsChannel, handlers.updateSmsChannel)
  .openapi(routes.deleteSmsChannel, handlers.deleteSmsChannel);

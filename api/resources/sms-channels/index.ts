import { crudRouter } from '../../lib/crud-routes.js';
import { smsChannelHandlers } from './sms-channels.handlers.js';
import { smsChannelRoutes } from './sms-channels.routes.js';

/** Mounted at /workstreams/:id/sms-channels. */
export const smsChannels = crudRouter(smsChannelRoutes, smsChannelHandlers);

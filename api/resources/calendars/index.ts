import { crudRouter } from '../../lib/crud-routes.js';
import { calendarHandlers } from './calendars.handlers.js';
import { calendarRoutes } from './calendars.routes.js';

export const calendarsResource = crudRouter(calendarRoutes, calendarHandlers);

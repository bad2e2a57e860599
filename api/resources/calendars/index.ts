import { createRouter } from '../../router.js';
import * as handlers from './calendars.handlers.js';
import * as routes from './calendars.routes.js';

export const calendarsResource = createRouter()
  .openapi(routes.createCalendar, handlers.createCalendar)
  .openapi(routes.listCalendars, handlers.listCalendars)
  .openapi(routes.getCalendar, handlers.getCalendar)
  .openapi(routes.updateCalendar, handlers.updateCalendar)
  .openapi(routes.deleteCalendar, handlers.deleteCalendar);

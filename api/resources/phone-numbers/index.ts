import { createRouter } from '../../router.js';
import * as handlers from './phone-numbers.handlers.js';
import * as routes from './phone-numbers.routes.js';

/** Numbers of one messaging account: mounted at /messaging-accounts/:id/phone-numbers. */
export const accountPhoneNumbers = createRouter()
  .openapi(routes.createPhoneNumber, handlers.createPhoneNumber)
  .openapi(routes.listAccountPhoneNumbers, handlers.listAccountPhoneNumbers);

/** All numbers, and one number by id: mounted at /phone-numbers. */
export const phoneNumbers = createRouter()
  .openapi(routes.listPhoneNumbers, handlers.listPhoneNumbers)
  .openapi(routes.getPhoneNumber, handlers.getPhoneNumber)
  .openapi(routes.updatePhoneNumber, handlers.updatePhoneNumber)
  .openapi(routes.deletePhoneNumber, handlers.deletePhoneNumber);

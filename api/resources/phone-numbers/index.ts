import { crudRouter } from '../../lib/crud-routes.js';
import { accountPhoneNumberHandlers, phoneNumberHandlers } from './phone-numbers.handlers.js';
import { accountPhoneNumberRoutes, phoneNumberRoutes } from './phone-numbers.routes.js';

/** Numbers of one messaging account: mounted at /messaging-accounts/:id/phone-numbers. */
export const accountPhoneNumbers = crudRouter(accountPhoneNumberRoutes, accountPhoneNumberHandlers);

/** All numbers, and one number by id: mounted at /phone-numbers. */
export const phoneNumbers = crudRouter(phoneNumberRoutes, phoneNumberHandlers);

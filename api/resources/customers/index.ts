import { createRouter } from '../../router.js';
import * as handlers from './customers.handlers.js';
import * as routes from './customers.routes.js';

export const customersResource = createRouter()
  .openapi(routes.listCustomers, handlers.listCustomers)
  .openapi(routes.getCustomer, handlers.getCustomer)
  .openapi(routes.updateCustomer, handlers.updateCustomer);

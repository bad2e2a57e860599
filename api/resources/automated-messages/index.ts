import { createRouter } from '../../router.js';
import * as handlers from './automated-messages.handlers.js';
import * as routes from './automated-messages.routes.js';

export const automatedMessages = createRouter().openapi(routes.listAutomatedMessages, handlers.listAutomatedMessages);

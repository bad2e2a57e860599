import { createRouter } from '../../router.js';
import * as handlers from './login-links.handlers.js';
import * as routes from './login-links.routes.js';

export const loginLinks = createRouter().openapi(routes.createLoginLink, handlers.createLoginLink);

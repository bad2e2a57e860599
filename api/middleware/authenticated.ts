import { createMiddleware } from 'hono/factory';
import { authenticate } from '../auth.js';
import type { AppEnv } from '../deps.js';

/** Any signed-in user (bearer token or session cookie), with the request's `c.var.deps`: 401 otherwise. */
export const authenticated = createMiddleware<AppEnv>((c, next) => authenticate(c.var.deps)(c, next));

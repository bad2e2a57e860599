import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { authenticate } from '../auth.js';
import type { AppEnv } from '../deps.js';
import { createRouter } from '../router.js';

/** Any signed-in user (bearer token or session cookie), with the request's `c.var.deps`: 401 otherwise. */
export const authenticated = createMiddleware<AppEnv>((c, next) => authenticate(c.var.deps)(c, next));

type Guard = [path: string, ...middleware: MiddlewareHandler<AppEnv>[]];

/**
 * A resource router whose paths are guarded before its routes are added: path-scoped (routers share the API root),
 * and registered first so a guard runs before the routes' validators (401 before 422). `use` keeps the OpenAPI
 * router's type only as a statement, hence this helper instead of a chained `.use()`.
 */
export function guardedRouter(...guards: Guard[]) {
  const router = createRouter();
  for (const [path, ...middleware] of guards) router.use(path, ...middleware);
  return router;
}

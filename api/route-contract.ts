import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { ProblemError } from '../lib/problem.js';
import type { AppEnv } from './deps.js';
import { bodyProblemResponses, protectedProblemResponses } from './problem-schema.js';

/**
 * createRoute for the public document, with what the contract requires of every operation: a stable camelCase
 * operationId (enforced by the type), the security requirement, and the problem answers the shared middleware gives.
 * Route files declare only their own outcomes (200/201/202/204, 404, 409, 503).
 */

export const BEARER_AUTH = 'bearerAuth';
export const bearerSecurity = [{ [BEARER_AUTH]: [] }];

type Documented = RouteConfig & { operationId: string; summary: string };

/**
 * The validators skip a request with no Content-Type and no body and validate `{}` instead, so a PATCH without a
 * body passed as an empty change. A required body must be sent.
 */
const requireBody = createMiddleware<AppEnv>(async (c, next) => {
  const length = c.req.header('content-length');
  const hasBody = c.req.header('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
  if (!hasBody && !c.req.header('content-type')) {
    throw new ProblemError(422, '(body): a JSON body is required', [
      { path: '(body)', message: 'a JSON body is required' },
    ]);
  }
  await next();
});

const middlewareList = (m: RouteConfig['middleware']) => (m === undefined ? [] : Array.isArray(m) ? m : [m]);

/** A bearer-protected operation (every /api/v1 route but the document itself). */
export function protectedRoute<const R extends Documented>(config: R) {
  return createRoute({
    ...config,
    ...(config.request?.body?.required ? { middleware: [...middlewareList(config.middleware), requireBody] } : {}),
    security: bearerSecurity,
    responses: {
      ...protectedProblemResponses,
      ...(config.request?.body ? bodyProblemResponses : {}),
      ...config.responses,
    },
  });
}

/** An operation anyone may call: `security: []` says so explicitly (overriding any document-wide default). */
export function publicRoute<const R extends Documented>(config: R) {
  return createRoute({ ...config, security: [] });
}

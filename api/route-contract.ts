import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { bodyProblemResponses, protectedProblemResponses } from './problem-schema.js';

/**
 * createRoute for the public document, with what the contract requires of every operation: a stable camelCase
 * operationId (enforced by the type), the security requirement, and the problem answers the shared middleware gives.
 * Route files declare only their own outcomes (200/201/202/204, 404, 409, 503).
 */

export const BEARER_AUTH = 'bearerAuth';
export const bearerSecurity = [{ [BEARER_AUTH]: [] }];

type Documented = RouteConfig & { operationId: string; summary: string };

/** A bearer-protected operation (every /api/v1 route but the document itself). */
export function protectedRoute<const R extends Documented>(config: R) {
  return createRoute({
    ...config,
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

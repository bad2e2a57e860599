import { type RouteConfig, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { Db } from '../../../db/client.js';
import { ProblemError } from '../../../lib/problem.js';
import { problemResponse } from '../../problem-schema.js';
import { protectedRoute } from '../../route-contract.js';
import { createRouter } from '../../router.js';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Query helpers take either the pool or an open transaction. */
export type Executor = Db | Tx;

/** Pieces every setup router shares: id params, problem responses, the bearer security entry, DB error mapping. */

export const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

const problem = problemResponse;

/** Setup answers beyond the shared ones (route-contract.ts): unknown ids and state conflicts. */
export const problemResponses = {
  404: problem('Unknown id'),
  409: problem('Not allowed in the current state (duplicate, in use, immutable)'),
} as const;

/** Setup bodies are small JSON documents; anything bigger is a mistake or an attack (contract: 413). */
export const SETUP_MAX_BODY_BYTES = 256 * 1024;
const limitBody = bodyLimit({
  maxSize: SETUP_MAX_BODY_BYTES,
  onError: () => {
    throw new ProblemError(413, `request body exceeds ${SETUP_MAX_BODY_BYTES} bytes`, []);
  },
});

/**
 * protectedRoute (bearer security, shared problem answers, operationId required) plus the problem responses every
 * setup route can give and a body limit. The body limit runs after the route's guard, so strangers get 401 before
 * anything reads their body.
 */
export function setupRoute<const R extends RouteConfig & { operationId: string; summary: string }>(config: R) {
  const own =
    config.middleware === undefined ? [] : Array.isArray(config.middleware) ? config.middleware : [config.middleware];
  return protectedRoute({
    ...config,
    middleware: [...own, limitBody],
    responses: { ...problemResponses, ...config.responses },
  });
}

/** Path parameters that hold ids; in setup routes they are always UUIDs. */
const ID_PARAM = /\/:(id|channelId|ruleId)(?=\/|$)/g;

/**
 * A router whose id parameters only match UUID-shaped segments. Setup and agent routers share /api/v1 and Hono tries
 * routes in registration order, so a plain `/agents/:id` would swallow the agent API's `/agents/overview` and answer
 * 422. With the constraint, a non-UUID segment falls through to later routes (or the 404 handler). The OpenAPI
 * document is unaffected: it is built from the createRoute path, not from the router.
 */
export function createSetupRouter() {
  const app = createRouter();
  const on = app.on;
  app.on = ((method: string | string[], path: string | string[], ...handlers: unknown[]) => {
    const constrain = (p: string) => p.replace(ID_PARAM, '/:$1{[0-9a-fA-F]+-[0-9a-fA-F-]+}');
    const paths = Array.isArray(path) ? path.map(constrain) : constrain(path);
    return (on as (...a: unknown[]) => unknown)(method, paths, ...handlers);
  }) as typeof app.on;
  return app;
}

/** JSON body helper for createRoute's `request.body`. */
export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  required: true,
  content: { 'application/json': { schema } },
  ...(description ? { description } : {}),
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const noContent = { description: 'Deleted' };

/** 422 for one field, with the same shape zod failures get. */
export function fieldProblem(path: string, message: string): ProblemError {
  return new ProblemError(422, `${path}: ${message}`, [{ path, message }]);
}

/**
 * 404 for an id in the path. Setup problems always carry `errors` (the contract's shape), naming the parameter here.
 */
export function unknownId(what: string, id: string, path = 'id'): ProblemError {
  return new ProblemError(404, `${what} ${id} does not exist`, [{ path, message: `no ${what} with id ${id}` }]);
}

/** 409: the detail names the state that forbids the change; `path` names the field when one is to blame. */
export function conflict(detail: string, path?: string): ProblemError {
  return new ProblemError(409, detail, path ? [{ path, message: detail }] : []);
}

type PgError = { code?: string; constraint_name?: string; constraint?: string; detail?: string };

/** postgres.js errors arrive wrapped in drizzle's DrizzleQueryError; look through the wrapper. */
export function pgError(err: unknown): PgError | null {
  let e: unknown = err;
  for (let i = 0; i < 3 && e && typeof e === 'object'; i++) {
    if (typeof (e as PgError).code === 'string' && /^[0-9A-Z]{5}$/.test((e as PgError).code!)) return e as PgError;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

export const isUniqueViolation = (err: unknown, constraint?: string) => {
  const e = pgError(err);
  return e?.code === '23505' && (!constraint || (e.constraint_name ?? e.constraint) === constraint);
};

export const isForeignKeyViolation = (err: unknown) => pgError(err)?.code === '23503';

export const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** True when at least one of the listed keys is present in a PATCH body. */
export const hasAny = (body: Record<string, unknown>, keys: readonly string[]) =>
  keys.some((k) => body[k] !== undefined);

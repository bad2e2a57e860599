import { type RouteConfig, type RouteHandler, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { Db } from '../../db/client.js';
import { ProblemError } from '../../lib/problem.js';
import { authenticate, requireRole } from '../auth.js';
import type { AppEnv, AuthUser } from '../deps.js';
import { problemResponse } from '../problem-schema.js';
import { protectedRoute } from '../route-contract.js';

/**
 * What every API resource shares: route definitions (guard, id params, problem answers, JSON bodies), handler typing,
 * and the mapping of lookups and database errors to problem answers. Hand-written rather than `stoker`: stoker's
 * helpers answer with its own error shapes (400/422 zod dumps), and ours must be the contract's problem+json naming
 * field and rule; the few pieces that would overlap (jsonContent, IdParamsSchema) are one line each here.
 */

// ---- handlers and executors -------------------------------------------------------------------------------------

/** A handler typed by its route definition: `const list: AppRouteHandler<typeof routes.list> = async (c) => …`. */
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Query helpers take either the pool or an open transaction. */
export type Executor = Db | Tx;

// ---- guards -------------------------------------------------------------------------------------------------------

/** Authentication (deps from `c.var.deps`) plus a role check, for a route's `middleware` list: 401 before 403. */
export function allow(...roles: AuthUser['role'][]) {
  const authenticated = createMiddleware<AppEnv>((c, next) => authenticate(c.var.deps)(c, next));
  return [authenticated, requireRole(...roles)];
}

// ---- path ids -----------------------------------------------------------------------------------------------------

/** A UUID path parameter named `name` (documented as `in: path`). */
export const idParam = <N extends string>(name: N) =>
  z.object({ [name]: z.uuid().openapi({ param: { name, in: 'path' } }) } as { [K in N]: z.ZodUUID });

/** `{id}` in the path: the id of the resource the route is about. */
export const IdParam = idParam('id');

/**
 * An id segment that is not even UUID-shaped (hex groups with dashes) is no route at all: it answers the app's 404
 * "no route" before authentication, exactly as an unmatched path does. A UUID-shaped but invalid one reaches
 * validation (422 naming the parameter). Literal siblings (`/agents/overview`) must be mounted before a resource
 * with `/{id}` so they answer first.
 */
const UUID_SHAPED = /^[0-9a-fA-F]+-[0-9a-fA-F-]+$/;
const ID_NAME = /^(id|\w+Id)$/;

/** Checks every id-named path parameter, including those of the path the resource is mounted at. */
const idShapeGate = createMiddleware<AppEnv>(async (c, next) => {
  const params = c.req.param() as Record<string, string>;
  for (const [name, value] of Object.entries(params)) {
    if (ID_NAME.test(name) && !UUID_SHAPED.test(value)) {
      throw new ProblemError(404, `no route for ${c.req.method} ${c.req.path}`);
    }
  }
  await next();
});

// ---- route definitions --------------------------------------------------------------------------------------------

/** Answers every resource route can give beyond the shared ones (route-contract.ts): unknown ids and conflicts. */
export const problemResponses = {
  404: problemResponse('Unknown id'),
  409: problemResponse('Not allowed in the current state (duplicate, in use, immutable)'),
} as const;

/** Resource bodies are small JSON documents; anything bigger is a mistake or an attack (contract: 413). */
export const RESOURCE_MAX_BODY_BYTES = 256 * 1024;
const limitBody = bodyLimit({
  maxSize: RESOURCE_MAX_BODY_BYTES,
  onError: () => {
    throw new ProblemError(413, `request body exceeds ${RESOURCE_MAX_BODY_BYTES} bytes`, []);
  },
});

const middlewareList = (m: RouteConfig['middleware']) => (m === undefined ? [] : Array.isArray(m) ? m : [m]);

/**
 * protectedRoute (bearer security, shared problem answers, operationId required) plus the id-shape gate when the
 * route has path parameters, the 404/409 answers and a body limit. The body limit runs after the route's guard, so
 * strangers get 401 before anything reads their body.
 */
export function resourceRoute<const R extends RouteConfig & { operationId: string; summary: string }>(config: R) {
  return protectedRoute({
    ...config,
    middleware: [...(config.request?.params ? [idShapeGate] : []), ...middlewareList(config.middleware), limitBody],
    responses: { ...problemResponses, ...config.responses },
  });
}

/** JSON body for createRoute's `request.body`. */
export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  required: true as const,
  content: { 'application/json': { schema } },
  ...(description ? { description } : {}),
});

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const noContent = { description: 'Deleted' };

/** The display name of a setup resource (queue, agent, rule, workstream, account, bot). */
export const nameField = z.string().trim().min(1, 'is required').max(200);

/** An enum from one of the vocabulary's arrays (domain/vocabulary.ts); a bad value's 422 lists the allowed ones. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

/** `{ items: [...] }`, the list envelope every collection answers with. */
export const itemsOf = <T extends z.ZodType>(schema: T) => z.object({ items: z.array(schema) });

// ---- problems -----------------------------------------------------------------------------------------------------

/** 422 for one field, with the same shape zod failures get. */
export function fieldProblem(path: string, message: string): ProblemError {
  return new ProblemError(422, `${path}: ${message}`, [{ path, message }]);
}

/** 404 for an id in the path; the problem names the parameter. */
export function unknownId(what: string, id: string, path = 'id'): ProblemError {
  return new ProblemError(404, `${what} ${id} does not exist`, [{ path, message: `no ${what} with id ${id}` }]);
}

/** 409: the detail names the state that forbids the change; `path` names the field when one is to blame. */
export function conflict(detail: string, path?: string): ProblemError {
  return new ProblemError(409, detail, path ? [{ path, message: detail }] : []);
}

/** The row a lookup found, or the 404 for the path id (`what` names the resource, `path` the parameter). */
export async function loadOr404<T>(
  lookup: Promise<T | undefined | null>,
  what: string,
  id: string,
  path = 'id',
): Promise<T> {
  const row = await lookup;
  if (row === undefined || row === null) throw unknownId(what, id, path);
  return row;
}

/**
 * 403 when someone other than an admin changes a field beyond `allowed` (supervisors may change some fields of a
 * resource); `rule` says what they may change.
 */
export function onlyAdminBeyond(user: AuthUser, body: object, allowed: readonly string[], rule: string) {
  if (user.role === 'admin') return;
  const fields = body as Record<string, unknown>;
  const others = Object.keys(fields).filter((k) => !allowed.includes(k) && fields[k] !== undefined);
  if (others.length === 0) return;
  throw new ProblemError(
    403,
    `${rule}; changing ${others.join(', ')} needs the admin role`,
    others.map((path) => ({ path, message: 'needs the admin role' })),
  );
}

// ---- database errors ----------------------------------------------------------------------------------------------

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

/** Runs a write; a unique violation (of `constraint`, or any) becomes the given 409 instead of a 500. */
export async function uniqueOr409<T>(write: () => Promise<T>, onDuplicate: () => ProblemError, constraint?: string) {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err, constraint)) throw onDuplicate();
    throw err;
  }
}

// ---- views --------------------------------------------------------------------------------------------------------

export const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** True when at least one of the listed keys is present in a PATCH body. */
export const hasAny = (body: Record<string, unknown>, keys: readonly string[]) =>
  keys.some((k) => body[k] !== undefined);

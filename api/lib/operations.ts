import type { RouteConfig, z } from '@hono/zod-openapi';
import { type allow, jsonBody, jsonResponse, noContent, resourceRoute } from './route-helpers.js';

/**
 * The operations of one resource, declared with what is theirs only: `operationsOf({ tag, guard })` states the
 * OpenAPI tag and the default guard once; each `op.get(path, operationId, { summary, params, query, body, ok })`
 * then adds the path, the operationId, the request and the one success answer. Everything else every operation shares
 * (bearer security, id-shape gate, problem answers, body limit) comes from resourceRoute.
 */

type Guard = ReturnType<typeof allow>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Params = z.ZodObject | undefined;
type Body = z.ZodType | RequestBody | undefined;
type RequestBody = NonNullable<NonNullable<RouteConfig['request']>['body']>;
type Response = RouteConfig['responses'][string];
/** `[schema, description]` for a JSON answer, or the whole response (other content types, headers). */
type Ok = readonly [z.ZodType, string] | Response | undefined;

export interface OperationSpec<P extends Params, Q extends Params, B extends Body, O extends Ok, S extends number> {
  summary: string;
  description?: string;
  /** Replaces the resource's guard for this operation. */
  guard?: Guard;
  /** Path parameters (ids are gated by shape; see resourceRoute). */
  params?: P;
  query?: Q;
  /** A schema: a required JSON body of that shape; or the request body as createRoute takes it. */
  body?: B;
  /** The success answer; none: 204 No Content. */
  ok?: O;
  /** The success status when not the usual one (204 without `ok`, else 200). */
  status?: S;
}

type BodyOf<B extends Body> = B extends z.ZodType ? ReturnType<typeof jsonBody<B>> : B;
type AnswerOf<O extends Ok> = O extends readonly [infer T extends z.ZodType, string]
  ? ReturnType<typeof jsonResponse<T>>
  : O extends Response
    ? O
    : typeof noContent;
type UsualStatus<O extends Ok> = O extends undefined ? 204 : 200;

const isSchema = (b: Body): b is z.ZodType => b !== undefined && !('content' in b);
const answerOf = (ok: Ok) => (ok === undefined ? noContent : Array.isArray(ok) ? jsonResponse(ok[0], ok[1]) : ok);

/** The builders of one resource's operations: `op.get`, `op.post`, `op.put`, `op.patch`, `op.delete`. */
export function operationsOf(resource: { tag: string; guard: Guard }) {
  const tags = [resource.tag];
  const method =
    <const M extends Method>(method: M) =>
    <
      const Path extends string,
      const Id extends string,
      P extends Params = undefined,
      Q extends Params = undefined,
      B extends Body = undefined,
      const O extends Ok = undefined,
      S extends number = UsualStatus<O>,
    >(
      path: Path,
      operationId: Id,
      spec: OperationSpec<P, Q, B, O, S>,
    ) => {
      const status = spec.status ?? (spec.ok === undefined ? 204 : 200);
      const body = isSchema(spec.body) ? jsonBody(spec.body) : spec.body;
      return resourceRoute({
        method,
        path,
        operationId,
        tags,
        summary: spec.summary,
        ...(spec.description ? { description: spec.description } : {}),
        middleware: spec.guard ?? resource.guard,
        request: { params: spec.params as P, query: spec.query as Q, body: body as BodyOf<B> },
        responses: { [status]: answerOf(spec.ok) } as { [K in S]: AnswerOf<O> },
      });
    };
  return {
    get: method('get'),
    post: method('post'),
    put: method('put'),
    patch: method('patch'),
    delete: method('delete'),
  };
}

import type { OpenAPIHono, RouteConfig, z } from '@hono/zod-openapi';
import type { BlankSchema } from 'hono/types';
import type { AppEnv } from '../deps.js';
import { createRouter } from '../router.js';
import { operationsOf } from './operations.js';
import { type AppRouteHandler, allow, IdParam, itemsOf } from './route-helpers.js';

/**
 * The five operations of a setup resource (list, get, create, patch, delete), declared once: every resource gets the
 * same paths, operationIds (`listQueues`, `getQueue`, …), guards, id parameters, problem answers and envelopes, and
 * states only what is its own (schemas, roles, summaries). Extra operations (rotate a token, validate, evaluate) are
 * declared beside it with `operationsOf` (operations.ts), which these are built on.
 */

type Guard = ReturnType<typeof allow>;
type Params = z.ZodObject;

/** Who may call what: `read` lists and gets, `write` creates and deletes, `update` patches (default: `write`). */
export interface CrudGuards {
  read: Guard;
  write: Guard;
  update?: Guard;
}

/** Channel setup: supervisors read it, admins change it. */
const SETUP_GUARDS: CrudGuards = { read: allow('admin', 'supervisor'), write: allow('admin') };

/** Summaries that say more than the default ("Create a queue", "List queues", "One queue", …). */
export type CrudSummaries = Partial<Record<'create' | 'list' | 'get' | 'update' | 'remove', string>>;

export interface CrudSpec<
  E extends z.ZodType,
  C extends z.ZodType,
  U extends z.ZodType,
  P extends Params | undefined,
  I extends Params,
  IP extends string,
  Q extends Params | undefined,
  R extends z.ZodType,
> {
  /**
   * `tag`: the OpenAPI tag ('Queues'); `name`: PascalCase singular for operationIds (`createQueue`, and `listQueues`
   * for the list), or `[one, many]`; `one`: lower-case singular for summaries and answers ('queue').
   */
  names: { tag: string; name: string | readonly [string, string]; one: string };
  /** The entity every operation answers with, and the bodies of create and update. */
  schemas: { entity: E; create: C; update: U };
  /** Merged over the setup default (supervisors read, admins write). */
  guards?: Partial<CrudGuards>;
  summaries?: CrudSummaries;
  /** What the list's query parameters do, when they need more than their names. */
  listDescription?: string;
  /** Path parameters of the collection when it hangs under a parent (`/workstreams/{id}/sms-channels`). */
  parent?: P;
  /** The item's path and parameters when not `/{id}` with IdParam. */
  item?: { path: IP; params: I };
  /** Query parameters of the list. */
  listQuery?: Q;
  /** What create answers when more than the entity (a token shown once). */
  created?: { schema: R; description: string };
}

/** Route definitions for a resource's list, get, create, update and delete. */
export function crudRoutes<
  E extends z.ZodType,
  C extends z.ZodType,
  U extends z.ZodType,
  P extends Params | undefined = undefined,
  I extends Params = typeof IdParam,
  const IP extends string = '/{id}',
  Q extends Params | undefined = undefined,
  R extends z.ZodType = E,
>(spec: CrudSpec<E, C, U, P, I, IP, Q, R>) {
  const { names: n } = spec;
  const guards = { ...SETUP_GUARDS, ...spec.guards };
  const { tag, one } = n;
  const { entity } = spec.schemas;
  const [name, names] = typeof n.name === 'string' ? [n.name, `${n.name}s`] : n.name;
  const s = spec.summaries ?? {};
  const itemPath = (spec.item?.path ?? '/{id}') as IP;
  const params = (spec.item?.params ?? IdParam) as I;
  const parent = spec.parent as P;
  const op = operationsOf({ tag, guard: guards.read });
  return {
    list: op.get('/', `list${names}`, {
      summary: s.list ?? `List ${tag.toLowerCase()}`,
      description: spec.listDescription,
      params: parent,
      query: spec.listQuery as Q,
      ok: [itemsOf(entity), tag],
    }),
    get: op.get(itemPath, `get${name}`, { summary: s.get ?? `One ${one}`, params, ok: [entity, `The ${one}`] }),
    create: op.post('/', `create${name}`, {
      summary: s.create ?? `Create a ${one}`,
      guard: guards.write,
      params: parent,
      body: spec.schemas.create,
      status: 201,
      ok: [(spec.created?.schema ?? entity) as R, spec.created?.description ?? 'Created'],
    }),
    update: op.patch(itemPath, `update${name}`, {
      summary: s.update ?? `Change a ${one}`,
      guard: guards.update ?? guards.write,
      params,
      body: spec.schemas.update,
      ok: [entity, 'Updated'],
    }),
    remove: op.delete(itemPath, `delete${name}`, {
      summary: s.remove ?? `Delete a ${one}`,
      guard: guards.write,
      params,
    }),
  };
}

type CrudRoutes = Record<'list' | 'get' | 'create' | 'update' | 'remove', RouteConfig>;

/** One handler per route, each typed by its route. */
export type CrudHandlers<T extends Partial<CrudRoutes>> = {
  [K in keyof T]-?: T[K] extends RouteConfig ? AppRouteHandler<T[K]> : never;
};

// What `.openapi(route, handler)` adds to a router's type, for a route known only by its type parameter.
declare const router: OpenAPIHono<AppEnv>;
type SchemaOf<R extends RouteConfig> =
  ReturnType<typeof router.openapi<R>> extends OpenAPIHono<AppEnv, infer S, '/'> ? S : never;
type Op = keyof CrudRoutes;
type Mounted<T extends CrudRoutes, K extends Op, O extends Op> = O extends K ? SchemaOf<T[O]> : BlankSchema;
type CrudSchema<T extends CrudRoutes, K extends Op> = Mounted<T, K, 'list'> &
  Mounted<T, K, 'get'> &
  Mounted<T, K, 'create'> &
  Mounted<T, K, 'update'> &
  Mounted<T, K, 'remove'>;

/**
 * A router with the operations the handlers implement (a resource that cannot be deleted has no `remove`). Its type
 * is written out because chaining generic routes loses them; it is the type the same chain has when written by hand,
 * so the app's type (and the web client) sees each operation.
 */
export function crudRouter<T extends CrudRoutes, K extends Op>(routes: T, handlers: Pick<CrudHandlers<T>, K>) {
  const r = createRouter();
  for (const op of ['list', 'get', 'create', 'update', 'remove'] as const) {
    const handler = (handlers as Partial<CrudHandlers<T>>)[op];
    if (handler) r.openapi(routes[op], handler);
  }
  return r as unknown as OpenAPIHono<AppEnv, CrudSchema<T, K>, '/'>;
}

/**
 * A settings document that belongs to one resource (a queue's SLA targets at `/queues/{id}/sla`): `get<Name>` for
 * readers and `update<Name>` (PUT, the fields given) for writers, both answering the whole document. Mounted at the
 * API root, so `path` is the full path.
 */
export function settingsRoutes<E extends z.ZodType, U extends z.ZodType, const P extends string>(spec: {
  path: P;
  names: { tag: string; name: string };
  schemas: { entity: E; update: U };
  /** What the answer is ('SLA targets'). */
  description: string;
  summaries: { get: string; update: string };
  guards?: Partial<CrudGuards>;
}) {
  const guards = { ...SETUP_GUARDS, ...spec.guards };
  const op = operationsOf({ tag: spec.names.tag, guard: guards.read });
  const answer = [spec.schemas.entity, spec.description] as const;
  return {
    get: op.get(spec.path, `get${spec.names.name}`, { summary: spec.summaries.get, params: IdParam, ok: answer }),
    update: op.put(spec.path, `update${spec.names.name}`, {
      summary: spec.summaries.update,
      guard: guards.update ?? guards.write,
      params: IdParam,
      body: spec.schemas.update,
      ok: answer,
    }),
  };
}

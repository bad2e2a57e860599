import type { z } from '@hono/zod-openapi';
import { and, asc, eq } from 'drizzle-orm';
import { queues, routingRules } from '../../../db/schema/index.js';
import { evaluateRouting } from '../../../domain/routing-evaluator.js';
import type { CrudHandlers } from '../../lib/crud-routes.js';
import {
  type AppRouteHandler,
  conflict,
  type Executor,
  fieldProblem,
  loadOr404,
  uniqueOr409,
} from '../../lib/route-helpers.js';
import { jsonRow } from '../../lib/table-schemas.js';
import { loadWorkstream } from '../workstreams/workstreams.handlers.js';
import type { evaluateRoutingRules as evaluateRoute, Rule, routingRuleRoutes } from './routing-rules.routes.js';

type Handlers = CrudHandlers<typeof routingRuleRoutes>;

type Row = typeof routingRules.$inferSelect;

const view = (r: Row): z.infer<typeof Rule> => jsonRow(r);

async function assertQueue(db: Executor, id: string) {
  const q = await db.query.queues.findFirst({ where: eq(queues.id, id), columns: { id: true } });
  if (!q) throw fieldProblem('queueId', `no queue with id ${id}`);
}

/** Writes that may set the order: one already used in the workstream is a 409 naming it. */
const orderUnique = <T>(order: number | undefined, write: () => Promise<T>) =>
  uniqueOr409(
    write,
    () => conflict(`order ${order} is already used by another routing rule of this workstream`, 'order'),
    'routing_rules_order_uq',
  );

async function loadRule(db: Executor, workstreamId: string, ruleId: string): Promise<Row> {
  await loadWorkstream(db, workstreamId);
  const where = and(eq(routingRules.id, ruleId), eq(routingRules.workstreamId, workstreamId));
  return loadOr404(db.query.routingRules.findFirst({ where }), 'routing rule', ruleId, 'ruleId');
}

const listRules = (db: Executor, workstreamId: string) =>
  db.query.routingRules.findMany({
    where: eq(routingRules.workstreamId, workstreamId),
    orderBy: [asc(routingRules.order)],
  });

const create: Handlers['create'] = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  await loadWorkstream(deps.db, id);
  await assertQueue(deps.db, body.queueId);
  const [row] = await orderUnique(body.order, () =>
    deps.db
      .insert(routingRules)
      .values({ ...body, priority: body.priority ?? null, workstreamId: id })
      .returning(),
  );
  return c.json(view(row!), 201);
};

const list: Handlers['list'] = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  await loadWorkstream(deps.db, id);
  return c.json({ items: (await listRules(c.var.deps.db, id)).map(view) }, 200);
};

const get: Handlers['get'] = async (c) => {
  const { id, ruleId } = c.req.valid('param');
  return c.json(view(await loadRule(c.var.deps.db, id, ruleId)), 200);
};

const update: Handlers['update'] = async (c) => {
  const deps = c.var.deps;
  const { id, ruleId } = c.req.valid('param');
  const body = c.req.valid('json');
  await loadRule(c.var.deps.db, id, ruleId);
  if (body.queueId) await assertQueue(deps.db, body.queueId);
  const [row] = await orderUnique(body.order, () =>
    deps.db
      .update(routingRules)
      .set({ ...body, updatedAt: new Date() })
      .where(eq(routingRules.id, ruleId))
      .returning(),
  );
  return c.json(view(row!), 200);
};

const remove: Handlers['remove'] = async (c) => {
  const deps = c.var.deps;
  const { id, ruleId } = c.req.valid('param');
  await loadRule(c.var.deps.db, id, ruleId);
  await deps.db.delete(routingRules).where(eq(routingRules.id, ruleId));
  return c.body(null, 204);
};

export const evaluateRoutingRules: AppRouteHandler<typeof evaluateRoute> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  const ws = await loadWorkstream(deps.db, id);
  const decision = evaluateRouting(await listRules(c.var.deps.db, id), body, ws.defaultQueueId);
  return c.json({ ...decision, trace: { ...decision.trace, at: new Date().toISOString() } }, 200);
};

export const routingRuleHandlers: Handlers = { list, get, create, update, remove };

import { z } from '@hono/zod-openapi';
import { and, asc, eq } from 'drizzle-orm';
import { queues, routingRules } from '../../../db/schema/index.js';
import {
  evaluateRouting,
  isRoutingField,
  ROUTING_FIELDS,
  ROUTING_OPERATORS,
  regexError,
} from '../../../domain/routing-evaluator.js';
import { guard } from '../../auth.js';
import type { ApiDeps } from '../../deps.js';
import {
  conflict,
  createSetupRouter,
  type Executor,
  fieldProblem,
  isUniqueViolation,
  jsonBody,
  jsonResponse,
  noContent,
  setupRoute,
  unknownId,
} from './common.js';
import { loadWorkstream } from './workstreams.js';

const Condition = z
  .object({
    field: z
      .string()
      .refine(isRoutingField, `must be one of ${ROUTING_FIELDS.join(', ')} or bot.<variable>`)
      .openapi({ example: 'message.text' }),
    operator: z.enum(ROUTING_OPERATORS, { error: `must be one of ${ROUTING_OPERATORS.join(', ')}` }),
    value: z.string().max(500, 'must be at most 500 characters').openapi({
      description:
        '`in` takes a comma-separated list; `matches` a case-insensitive RE2 regular expression (linear-time: no backreferences or lookaround)',
      example: 'billing',
    }),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.operator === 'matches') {
      const error = regexError(c.value);
      if (error)
        ctx.addIssue({
          code: 'custom',
          path: ['value'],
          message: `is not a valid RE2 regular expression (no backreferences or lookaround): ${error}`,
        });
    }
    if (c.operator === 'in' && c.value.split(',').every((x) => x.trim() === '')) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'must list at least one value for in (comma-separated)',
      });
    }
  })
  .openapi('RoutingCondition');

const skills = z.array(z.string().trim().min(1).max(100)).max(20);

const RuleCreate = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200),
    order: z.number().int().min(0).max(100000).openapi({ description: 'Evaluation order, unique per workstream' }),
    conditions: z.array(Condition).max(20).openapi({ description: 'All must hold; an empty list always matches' }),
    queueId: z.uuid(),
    priority: z.number().int().min(0).max(1000).nullish(),
    skills: skills.default([]),
  })
  .strict()
  .openapi('RoutingRuleCreate');

const RuleUpdate = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200).optional(),
    order: z.number().int().min(0).max(100000).optional(),
    conditions: z.array(Condition).max(20).optional(),
    queueId: z.uuid().optional(),
    priority: z.number().int().min(0).max(1000).nullish(),
    skills: skills.optional(),
  })
  .strict()
  .openapi('RoutingRuleUpdate');

const Rule = z
  .object({
    id: z.uuid(),
    workstreamId: z.uuid(),
    name: z.string(),
    order: z.number().int(),
    conditions: z.array(z.object({ field: z.string(), operator: z.string(), value: z.string() })),
    queueId: z.uuid(),
    priority: z.number().int().nullable(),
    skills: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('RoutingRule');

const EvaluateBody = z
  .object({
    message: z.object({ text: z.string().max(5000) }),
    customer: z.object({ number: z.string().max(20), tags: z.array(z.string()).default([]) }),
    channel: z.object({ number: z.string().max(20), language: z.string().max(20).default('en') }),
    bot: z.record(z.string(), z.string()).optional(),
  })
  .openapi('RoutingEvaluateRequest');

const WorkstreamParam = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'Workstream id' }),
});
const RuleParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'Workstream id' }),
  ruleId: z.uuid().openapi({ param: { name: 'ruleId', in: 'path' } }),
});

type Row = typeof routingRules.$inferSelect;

const view = (r: Row): z.infer<typeof Rule> => ({
  id: r.id,
  workstreamId: r.workstreamId,
  name: r.name,
  order: r.order,
  conditions: r.conditions,
  queueId: r.queueId,
  priority: r.priority,
  skills: r.skills,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

async function assertQueue(db: Executor, id: string) {
  const q = await db.query.queues.findFirst({ where: eq(queues.id, id), columns: { id: true } });
  if (!q) throw fieldProblem('queueId', `no queue with id ${id}`);
}

const orderTaken = (err: unknown, order: number | undefined) =>
  isUniqueViolation(err, 'routing_rules_order_uq')
    ? conflict(`order ${order} is already used by another routing rule of this workstream`, 'order')
    : err;

export function routingRuleRoutes(deps: ApiDeps) {
  const app = createSetupRouter();
  const admin = guard(deps, 'admin');
  const readers = guard(deps, 'admin', 'supervisor');

  async function loadRule(workstreamId: string, ruleId: string): Promise<Row> {
    await loadWorkstream(deps.db, workstreamId);
    const row = await deps.db.query.routingRules.findFirst({
      where: and(eq(routingRules.id, ruleId), eq(routingRules.workstreamId, workstreamId)),
    });
    if (!row) throw unknownId('routing rule', ruleId, 'ruleId');
    return row;
  }

  const listRules = (workstreamId: string) =>
    deps.db.query.routingRules.findMany({
      where: eq(routingRules.workstreamId, workstreamId),
      orderBy: [asc(routingRules.order)],
    });

  app.openapi(
    setupRoute({
      method: 'post',
      path: '/workstreams/{id}/routing-rules',
      operationId: 'createRoutingRule',
      tags: ['Routing rules'],
      summary: 'Add a route-to-queue rule (first match by order wins)',
      middleware: admin,
      request: { params: WorkstreamParam, body: jsonBody(RuleCreate) },
      responses: { 201: jsonResponse(Rule, 'Created') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await loadWorkstream(deps.db, id);
      await assertQueue(deps.db, body.queueId);
      try {
        const [row] = await deps.db
          .insert(routingRules)
          .values({ ...body, priority: body.priority ?? null, workstreamId: id })
          .returning();
        return c.json(view(row!), 201);
      } catch (err) {
        throw orderTaken(err, body.order);
      }
    },
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/workstreams/{id}/routing-rules',
      operationId: 'listRoutingRules',
      tags: ['Routing rules'],
      summary: "A workstream's rules in evaluation order",
      middleware: readers,
      request: { params: WorkstreamParam },
      responses: { 200: jsonResponse(z.object({ items: z.array(Rule) }), 'Rules') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await loadWorkstream(deps.db, id);
      return c.json({ items: (await listRules(id)).map(view) }, 200);
    },
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/workstreams/{id}/routing-rules/{ruleId}',
      operationId: 'getRoutingRule',
      tags: ['Routing rules'],
      summary: 'One rule',
      middleware: readers,
      request: { params: RuleParams },
      responses: { 200: jsonResponse(Rule, 'The rule') },
    }),
    async (c) => {
      const { id, ruleId } = c.req.valid('param');
      return c.json(view(await loadRule(id, ruleId)), 200);
    },
  );

  app.openapi(
    setupRoute({
      method: 'patch',
      path: '/workstreams/{id}/routing-rules/{ruleId}',
      operationId: 'updateRoutingRule',
      tags: ['Routing rules'],
      summary: 'Change a rule',
      middleware: admin,
      request: { params: RuleParams, body: jsonBody(RuleUpdate) },
      responses: { 200: jsonResponse(Rule, 'Updated') },
    }),
    async (c) => {
      const { id, ruleId } = c.req.valid('param');
      const body = c.req.valid('json');
      await loadRule(id, ruleId);
      if (body.queueId) await assertQueue(deps.db, body.queueId);
      try {
        const [row] = await deps.db
          .update(routingRules)
          .set({ ...body, updatedAt: new Date() })
          .where(eq(routingRules.id, ruleId))
          .returning();
        return c.json(view(row!), 200);
      } catch (err) {
        throw orderTaken(err, body.order);
      }
    },
  );

  app.openapi(
    setupRoute({
      method: 'delete',
      path: '/workstreams/{id}/routing-rules/{ruleId}',
      operationId: 'deleteRoutingRule',
      tags: ['Routing rules'],
      summary: 'Delete a rule',
      middleware: admin,
      request: { params: RuleParams },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { id, ruleId } = c.req.valid('param');
      await loadRule(id, ruleId);
      await deps.db.delete(routingRules).where(eq(routingRules.id, ruleId));
      return c.body(null, 204);
    },
  );

  app.openapi(
    setupRoute({
      method: 'post',
      path: '/workstreams/{id}/routing-rules/evaluate',
      operationId: 'evaluateRoutingRules',
      tags: ['Routing rules'],
      summary: "Dry run: which queue would this message go to, and why (the workflow's evaluator)",
      middleware: readers,
      request: { params: WorkstreamParam, body: jsonBody(EvaluateBody) },
      responses: {
        200: jsonResponse(
          z.object({
            queueId: z.uuid(),
            priority: z.number().int(),
            skills: z.array(z.string()),
            matchedRuleId: z.uuid().nullable(),
            trace: z.object({}).passthrough(),
          }),
          'The decision and its trace',
        ),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const ws = await loadWorkstream(deps.db, id);
      const decision = evaluateRouting(await listRules(id), body, ws.defaultQueueId);
      return c.json({ ...decision, trace: { ...decision.trace, at: new Date().toISOString() } }, 200);
    },
  );

  return app;
}

import { z } from '@hono/zod-openapi';
import { routingRules } from '../../../db/schema/index.js';
import { isRoutingField, ROUTING_FIELDS, ROUTING_OPERATORS, regexError } from '../../../domain/routing-evaluator.js';
import { crudRoutes } from '../../lib/crud-routes.js';
import { operationsOf } from '../../lib/operations.js';
import { allow, nameField } from '../../lib/route-helpers.js';
import { createSelectSchema, isoTimestamp } from '../../lib/table-schemas.js';
import { underWorkstream, WorkstreamParam } from '../workstreams/workstreams.routes.js';

export const Condition = z
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

export const skills = z.array(z.string().trim().min(1).max(100)).max(20);

export const RuleCreate = z
  .object({
    name: nameField,
    order: z.number().int().min(0).max(100000).openapi({ description: 'Evaluation order, unique per workstream' }),
    conditions: z.array(Condition).max(20).openapi({ description: 'All must hold; an empty list always matches' }),
    queueId: z.uuid(),
    priority: z.number().int().min(0).max(1000).nullish(),
    skills: skills.default([]),
  })
  .strict()
  .openapi('RoutingRuleCreate');

export const RuleUpdate = z
  .object({
    name: nameField.optional(),
    order: z.number().int().min(0).max(100000).optional(),
    conditions: z.array(Condition).max(20).optional(),
    queueId: z.uuid().optional(),
    priority: z.number().int().min(0).max(1000).nullish(),
    skills: skills.optional(),
  })
  .strict()
  .openapi('RoutingRuleUpdate');

export const Rule = createSelectSchema(routingRules, {
  conditions: z.array(z.object({ field: z.string(), operator: z.string(), value: z.string() })),
  skills: z.array(z.string()),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
}).openapi('RoutingRule');

export const EvaluateBody = z
  .object({
    message: z.object({ text: z.string().max(5000) }),
    customer: z.object({ number: z.string().max(20), tags: z.array(z.string()).default([]) }),
    channel: z.object({ number: z.string().max(20), language: z.string().max(20).default('en') }),
    bot: z.record(z.string(), z.string()).optional(),
  })
  .openapi('RoutingEvaluateRequest');

export const routingRuleRoutes = crudRoutes({
  names: { tag: 'Routing rules', name: 'RoutingRule', one: 'rule' },
  schemas: { entity: Rule, create: RuleCreate, update: RuleUpdate },
  ...underWorkstream('ruleId'),
  summaries: {
    create: 'Add a route-to-queue rule (first match by order wins)',
    list: "A workstream's rules in evaluation order",
  },
});

const op = operationsOf({ tag: 'Routing rules', guard: allow('admin', 'supervisor') });

export const evaluateRoutingRules = op.post('/evaluate', 'evaluateRoutingRules', {
  summary: "Dry run: which queue would this message go to, and why (the workflow's evaluator)",
  params: WorkstreamParam,
  body: EvaluateBody,
  ok: [
    z.object({
      queueId: z.uuid(),
      priority: z.number().int(),
      skills: z.array(z.string()),
      matchedRuleId: z.uuid().nullable(),
      trace: z.object({}).passthrough(),
    }),
    'The decision and its trace',
  ],
});

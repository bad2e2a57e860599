import { z } from '@hono/zod-openapi';
import { users } from '../../../db/schema/index.js';
import { ROLES } from '../../auth.js';
import { crudRoutes } from '../../lib/crud-routes.js';
import { operationsOf } from '../../lib/operations.js';
import { allow, IdParam, nameField, oneOf } from '../../lib/route-helpers.js';
import { createSelectSchema, isoTimestamp } from '../../lib/table-schemas.js';

export const Role = oneOf(ROLES);

export const skills = z
  .array(z.string().trim().min(1).max(100))
  .max(50)
  .refine((s) => new Set(s).size === s.length, 'must not repeat a skill');

export const capacity = z
  .number()
  .int()
  .min(0)
  .max(1000)
  .openapi({ description: 'Capacity units the agent can hold at once (a workstream item costs its capacityUnits)' });

export const AgentCreate = z
  .object({
    name: nameField,
    email: z.email('must be an email address').max(320).nullish(),
    role: Role.default('agent'),
    capacity: capacity.default(10),
    skills: skills.default([]),
  })
  .strict()
  .openapi('AgentCreate');

export const AgentUpdate = z
  .object({
    name: nameField.optional(),
    email: z.email('must be an email address').max(320).nullish(),
    role: Role.optional(),
    capacity: capacity.optional(),
    skills: skills.optional(),
    disabled: z.boolean().optional().openapi({
      description: 'Disable instead of delete: a disabled user cannot sign in (sessions end) and gets no work',
    }),
  })
  .strict()
  .openapi('AgentUpdate');

export const Agent = createSelectSchema(users, {
  skills: z.array(z.string()),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
})
  .pick({
    id: true,
    name: true,
    email: true,
    role: true,
    capacity: true,
    skills: true,
    presence: true,
    disabled: true,
    createdAt: true,
    updatedAt: true,
  })
  .extend({ queueIds: z.array(z.uuid()) })
  .openapi('Agent');

export const AgentWithToken = Agent.extend({
  token: z.string().openapi({ description: 'Bearer token, shown only in this response; store it now' }),
}).openapi('AgentWithToken');

const admin = allow('admin');

export const agentRoutes = crudRoutes({
  names: { tag: 'Agents', name: 'Agent', one: 'user' },
  schemas: { entity: Agent, create: AgentCreate, update: AgentUpdate },
  created: { schema: AgentWithToken, description: 'Created, with its bearer token' },
  listQuery: z.object({ role: Role.optional() }),
  guards: { update: allow('admin', 'supervisor') },
  summaries: {
    create: 'Create a user (agent, supervisor or admin); the token is shown once',
    list: 'List users (never their tokens)',
    update: 'Change name, email, role, capacity or skills (supervisors: capacity and skills only)',
  },
});

const op = operationsOf({ tag: 'Agents', guard: admin });

export const rotateAgentToken = op.post('/{id}/token', 'rotateAgentToken', {
  summary: "Rotate a user's bearer token; the old one stops working at once, the new one is shown once",
  params: IdParam,
  ok: [AgentWithToken, 'The user with the new token'],
});

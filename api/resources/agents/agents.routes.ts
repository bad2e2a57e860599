import { z } from '@hono/zod-openapi';
import { ROLES } from '../../auth.js';
import { allow, IdParam, jsonBody, jsonResponse, resourceRoute } from '../../lib/route-helpers.js';

export const Role = z.enum(ROLES, { error: 'must be one of agent, supervisor, admin' });

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
    name: z.string().trim().min(1, 'is required').max(200),
    email: z.email('must be an email address').max(320).nullish(),
    role: Role.default('agent'),
    capacity: capacity.default(10),
    skills: skills.default([]),
  })
  .strict()
  .openapi('AgentCreate');

export const AgentUpdate = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200).optional(),
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

export const Agent = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string().nullable(),
    role: Role,
    capacity: z.number().int(),
    skills: z.array(z.string()),
    presence: z.string(),
    disabled: z.boolean(),
    queueIds: z.array(z.uuid()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Agent');

export const AgentWithToken = Agent.extend({
  token: z.string().openapi({ description: 'Bearer token, shown only in this response; store it now' }),
}).openapi('AgentWithToken');

const admin = allow('admin');
const readers = allow('admin', 'supervisor');

export const createAgent = resourceRoute({
  method: 'post',
  path: '/',
  operationId: 'createAgent',
  tags: ['Agents'],
  summary: 'Create a user (agent, supervisor or admin); the token is shown once',
  middleware: admin,
  request: { body: jsonBody(AgentCreate) },
  responses: { 201: jsonResponse(AgentWithToken, 'Created, with its bearer token') },
});

export const listAgents = resourceRoute({
  method: 'get',
  path: '/',
  operationId: 'listAgents',
  tags: ['Agents'],
  summary: 'List users (never their tokens)',
  middleware: readers,
  request: { query: z.object({ role: Role.optional() }) },
  responses: { 200: jsonResponse(z.object({ items: z.array(Agent) }), 'Users') },
});

export const getAgent = resourceRoute({
  method: 'get',
  path: '/{id}',
  operationId: 'getAgent',
  tags: ['Agents'],
  summary: 'One user',
  middleware: readers,
  request: { params: IdParam },
  responses: { 200: jsonResponse(Agent, 'The user') },
});

export const updateAgent = resourceRoute({
  method: 'patch',
  path: '/{id}',
  operationId: 'updateAgent',
  tags: ['Agents'],
  summary: 'Change name, email, role, capacity or skills (supervisors: capacity and skills only)',
  middleware: readers,
  request: { params: IdParam, body: jsonBody(AgentUpdate) },
  responses: { 200: jsonResponse(Agent, 'Updated') },
});

export const rotateAgentToken = resourceRoute({
  method: 'post',
  path: '/{id}/token',
  operationId: 'rotateAgentToken',
  tags: ['Agents'],
  summary: "Rotate a user's bearer token; the old one stops working at once, the new one is shown once",
  middleware: admin,
  request: { params: IdParam },
  responses: { 200: jsonResponse(AgentWithToken, 'The user with the new token') },
});

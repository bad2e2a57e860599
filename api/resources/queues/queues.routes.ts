import { z } from '@hono/zod-openapi';
import { allow, IdParam, jsonBody, jsonResponse, noContent, resourceRoute } from '../../lib/route-helpers.js';
import { queueRuleFields } from './overflow.js';

export const AssignmentMethod = z.enum(['highest_capacity', 'round_robin', 'least_active'], {
  error: 'must be one of highest_capacity, round_robin, least_active',
});

export const agentIds = z
  .array(z.uuid())
  .max(1000)
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an agent')
  .openapi({ description: 'Queue members (users of any role)' });

export const QueueCreate = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200),
    assignmentMethod: AssignmentMethod.default('highest_capacity'),
    agentIds: agentIds.default([]),
    priority: z
      .number()
      .int()
      .min(0)
      .max(10000)
      .default(100)
      .openapi({ description: 'Smaller number wins (as in D365)' }),
    calendarId: queueRuleFields.calendarId.default(null),
    overflow: queueRuleFields.overflow.default(null),
  })
  .strict()
  .openapi('QueueCreate');

export const QueueUpdate = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200).optional(),
    assignmentMethod: AssignmentMethod.optional(),
    agentIds: agentIds.optional().openapi({ description: 'Replaces the membership; supervisors may change only this' }),
    priority: z.number().int().min(0).max(10000).optional(),
    calendarId: queueRuleFields.calendarId.optional(),
    overflow: queueRuleFields.overflow.optional(),
  })
  .strict()
  .openapi('QueueUpdate');

export const Queue = z
  .object({
    id: z.uuid(),
    name: z.string(),
    assignmentMethod: AssignmentMethod,
    priority: z.number().int(),
    agentIds: z.array(z.uuid()),
    calendarId: z.uuid().nullable(),
    overflow: z
      .object({
        maxWaiting: z.number().int().nullable(),
        maxWaitMinutes: z.number().int().nullable(),
        action: z.string(),
        targetQueueId: z.uuid().nullable(),
        message: z.string().nullable(),
      })
      .nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Queue');

export const createQueue = resourceRoute({
  method: 'post',
  path: '/',
  operationId: 'createQueue',
  tags: ['Queues'],
  summary: 'Create a queue',
  middleware: allow('admin'),
  request: { body: jsonBody(QueueCreate) },
  responses: { 201: jsonResponse(Queue, 'Created') },
});

export const listQueues = resourceRoute({
  method: 'get',
  path: '/',
  operationId: 'listQueues',
  tags: ['Queues'],
  summary: 'List queues (agents may read them, e.g. to pick a transfer target)',
  middleware: allow('admin', 'supervisor', 'agent'),
  responses: { 200: jsonResponse(z.object({ items: z.array(Queue) }), 'Queues') },
});

export const getQueue = resourceRoute({
  method: 'get',
  path: '/{id}',
  operationId: 'getQueue',
  tags: ['Queues'],
  summary: 'One queue',
  middleware: allow('admin', 'supervisor', 'agent'),
  request: { params: IdParam },
  responses: { 200: jsonResponse(Queue, 'The queue') },
});

export const updateQueue = resourceRoute({
  method: 'patch',
  path: '/{id}',
  operationId: 'updateQueue',
  tags: ['Queues'],
  summary: 'Change a queue; supervisors may change only its members (agentIds)',
  middleware: allow('admin', 'supervisor'),
  request: { params: IdParam, body: jsonBody(QueueUpdate) },
  responses: { 200: jsonResponse(Queue, 'Updated') },
});

export const deleteQueue = resourceRoute({
  method: 'delete',
  path: '/{id}',
  operationId: 'deleteQueue',
  tags: ['Queues'],
  summary: 'Delete a queue (refused while a workstream or routing rule uses it)',
  middleware: allow('admin'),
  request: { params: IdParam },
  responses: { 204: noContent },
});

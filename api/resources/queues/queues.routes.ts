import { z } from '@hono/zod-openapi';
import { queues } from '../../../db/schema/index.js';
import { ASSIGNMENT_METHODS } from '../../../domain/vocabulary.js';
import { crudRoutes } from '../../lib/crud-routes.js';
import { allow, nameField, oneOf } from '../../lib/route-helpers.js';
import { createSelectSchema, isoTimestamp } from '../../lib/table-schemas.js';
import { queueRuleFields } from './overflow.js';

export const AssignmentMethod = oneOf(ASSIGNMENT_METHODS);

export const agentIds = z
  .array(z.uuid())
  .max(1000)
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an agent')
  .openapi({ description: 'Queue members (users of any role)' });

export const QueueCreate = z
  .object({
    name: nameField,
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
    name: nameField.optional(),
    assignmentMethod: AssignmentMethod.optional(),
    agentIds: agentIds.optional().openapi({ description: 'Replaces the membership; supervisors may change only this' }),
    priority: z.number().int().min(0).max(10000).optional(),
    calendarId: queueRuleFields.calendarId.optional(),
    overflow: queueRuleFields.overflow.optional(),
  })
  .strict()
  .openapi('QueueUpdate');

/** The stored overflow rule as answered: absent fields as null. */
export const QueueOverflow = z
  .object({
    maxWaiting: z.number().int().nullable(),
    maxWaitMinutes: z.number().int().nullable(),
    action: z.string(),
    targetQueueId: z.uuid().nullable(),
    message: z.string().nullable(),
  })
  .nullable();

export const Queue = createSelectSchema(queues, {
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
  overflow: QueueOverflow,
})
  .extend({ agentIds: z.array(z.uuid()) })
  .openapi('Queue');

export const queueRoutes = crudRoutes({
  names: { tag: 'Queues', name: 'Queue', one: 'queue' },
  schemas: { entity: Queue, create: QueueCreate, update: QueueUpdate },
  guards: { read: allow('admin', 'supervisor', 'agent'), write: allow('admin'), update: allow('admin', 'supervisor') },
  summaries: {
    list: 'List queues (agents may read them, e.g. to pick a transfer target)',
    update: 'Change a queue; supervisors may change only its members (agentIds)',
    remove: 'Delete a queue (refused while a workstream or routing rule uses it)',
  },
});

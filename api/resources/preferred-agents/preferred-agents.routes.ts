import { z } from '@hono/zod-openapi';
import { MAX_PREFERRED_AGENTS } from '../../../domain/vocabulary.js';
import { operationsOf } from '../../lib/operations.js';
import { allow } from '../../lib/route-helpers.js';

/** A customer's preferred agents per workstream (issue #16): tried in order before the queue's method. */

const workstreamId = z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'Workstream id' });
const customerNumber = z
  .string()
  .regex(/^\d{6,15}$/, 'must be the customer’s number: 6 to 15 digits with country code, no +')
  .openapi({ param: { name: 'customerNumber', in: 'path' }, example: '15551230001' });

export const WorkstreamParam = z.object({ id: workstreamId });
export const CustomerParams = z.object({ id: workstreamId, customerNumber });

export const PreferredAgentsBody = z
  .object({
    agentIds: z
      .array(z.uuid())
      .max(MAX_PREFERRED_AGENTS, `must list at most ${MAX_PREFERRED_AGENTS} agents`)
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an agent')
      .openapi({ description: 'In the order they are tried; [] clears the list' }),
  })
  .strict()
  .openapi('PreferredAgentsUpdate');

export const PreferredAgents = z
  .object({ workstreamId: z.uuid(), customerNumber: z.string(), agentIds: z.array(z.uuid()) })
  .openapi('PreferredAgents');

export const ListQuery = z.object({
  customerNumber: z
    .string()
    .regex(/^\d{1,15}$/, 'must be digits')
    .optional()
    .openapi({ description: 'Only customers whose number starts with these digits' }),
});

const op = operationsOf({ tag: 'Preferred agents', guard: allow('admin', 'supervisor') });

export const listPreferredAgents = op.get('/', 'listPreferredAgents', {
  summary: 'Customers of a workstream with preferred agents (at most 500, by number)',
  params: WorkstreamParam,
  query: ListQuery,
  ok: [z.object({ items: z.array(PreferredAgents) }), 'Preferred agents'],
});

export const getPreferredAgents = op.get('/{customerNumber}', 'getPreferredAgents', {
  summary: "A customer's preferred agents in this workstream ([] when none)",
  params: CustomerParams,
  ok: [PreferredAgents, 'Preferred agents'],
});

export const setPreferredAgents = op.put('/{customerNumber}', 'setPreferredAgents', {
  summary: "Set a customer's preferred agents (up to three, in order); applies at the next routing",
  params: CustomerParams,
  body: PreferredAgentsBody,
  ok: [PreferredAgents, 'Saved'],
});

export const deletePreferredAgents = op.delete('/{customerNumber}', 'deletePreferredAgents', {
  summary: "Clear a customer's preferred agents in this workstream",
  params: CustomerParams,
});

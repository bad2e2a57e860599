import { z } from '@hono/zod-openapi';
import { workstreams } from '../../../db/schema/index.js';
import {
  DISTRIBUTION_MODES,
  OUT_OF_HOURS_ACTIONS,
  PREFERRED_AGENT_FALLBACKS,
  PRESENCES,
  SKILL_MATCHINGS,
} from '../../../domain/vocabulary.js';
import { crudRoutes } from '../../lib/crud-routes.js';
import { idParam, nameField, oneOf } from '../../lib/route-helpers.js';
import { createSelectSchema, isoTimestamp } from '../../lib/table-schemas.js';

export const DistributionMode = oneOf(DISTRIBUTION_MODES);

/** Each field with its D365-like SMS default; the same shapes serve create (with defaults) and update (partial). */
export const fields = {
  capacityUnits: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .openapi({ description: 'Capacity a conversation costs (default 1)' }),
  defaultQueueId: z.uuid().openapi({ description: 'Fallback queue when no routing rule matches' }),
  offerTimeoutSeconds: z
    .number()
    .int()
    .min(10)
    .max(3600)
    .openapi({ description: 'How long a push offer waits for accept (default 60; D365 allows 30–300)' }),
  autoAccept: z.boolean().openapi({ description: 'Assign without an offer (D365 "auto-assign work items")' }),
  keepSameAgent: z.boolean().openapi({ description: 'Agent affinity when a waiting conversation returns (push only)' }),
  blockCapacityForWrapUp: z.boolean().openapi({ description: 'Keep capacity while in wrap-up (default false)' }),
  wrapUpMinutes: z
    .number()
    .int()
    .min(1)
    .max(43200)
    .openapi({ description: 'Wrap-up closes after this (default 1440)' }),
  autoCloseAfterInactivityMinutes: z
    .number()
    .int()
    .min(1)
    .max(525600)
    .openapi({ description: 'Waiting conversations close after this long without activity (default 1440 = 1 day)' }),
  reopenWindowMinutes: z
    .number()
    .int()
    .min(0)
    .max(525600)
    .openapi({ description: 'A customer message within this window revives a waiting conversation (default 1440)' }),
  openTimeoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(525600)
    .openapi({ description: 'Open and active conversations close after this (default 43200 = 30 days)' }),
  allowedPresences: z
    .array(z.enum(PRESENCES, { error: `must be one of ${PRESENCES.join(', ')}` }))
    .min(1, 'must allow at least one presence')
    .refine((a) => new Set(a).size === a.length, 'must not repeat a presence'),
  skillMatching: oneOf(SKILL_MATCHINGS),
  botId: z.uuid().nullable().openapi({ description: 'Bot that answers first (push workstreams only)' }),
  calendarId: z
    .uuid()
    .nullable()
    .openapi({ description: 'Operating hours of its queues that have none (null = 24×7)' }),
  outOfHoursAction: z
    .enum(OUT_OF_HOURS_ACTIONS, { error: `must be one of ${OUT_OF_HOURS_ACTIONS.join(', ')}` })
    .openapi({ description: 'Outside hours, after the out_of_hours message: wait for the opening, or close' }),
  preferredAgentFallback: z
    .enum(PREFERRED_AGENT_FALLBACKS, { error: `must be one of ${PREFERRED_AGENT_FALLBACKS.join(', ')}` })
    .openapi({ description: "No preferred agent can take it: use the queue's method, or wait for one" }),
};

export const WorkstreamCreate = z
  .object({
    name: nameField,
    distributionMode: DistributionMode.default('push').openapi({ description: 'Immutable after creation' }),
    capacityUnits: fields.capacityUnits.default(1),
    defaultQueueId: fields.defaultQueueId,
    offerTimeoutSeconds: fields.offerTimeoutSeconds.default(60),
    autoAccept: fields.autoAccept.default(false),
    keepSameAgent: fields.keepSameAgent.default(true),
    blockCapacityForWrapUp: fields.blockCapacityForWrapUp.default(false),
    wrapUpMinutes: fields.wrapUpMinutes.default(1440),
    autoCloseAfterInactivityMinutes: fields.autoCloseAfterInactivityMinutes.default(1440),
    reopenWindowMinutes: fields.reopenWindowMinutes.default(1440),
    openTimeoutMinutes: fields.openTimeoutMinutes.default(43200),
    allowedPresences: fields.allowedPresences.default(['available', 'busy']),
    skillMatching: fields.skillMatching.default('exact'),
    botId: fields.botId.optional(),
    calendarId: fields.calendarId.optional(),
    outOfHoursAction: fields.outOfHoursAction.default('wait'),
    preferredAgentFallback: fields.preferredAgentFallback.default('queue'),
  })
  .strict()
  .openapi('WorkstreamCreate');

export const WorkstreamUpdate = z
  .object({
    name: nameField.optional(),
    distributionMode: DistributionMode.optional().openapi({
      description: 'Immutable: only the current value is accepted',
    }),
    capacityUnits: fields.capacityUnits.optional(),
    defaultQueueId: fields.defaultQueueId.optional(),
    offerTimeoutSeconds: fields.offerTimeoutSeconds.optional(),
    autoAccept: fields.autoAccept.optional(),
    keepSameAgent: fields.keepSameAgent.optional(),
    blockCapacityForWrapUp: fields.blockCapacityForWrapUp.optional(),
    wrapUpMinutes: fields.wrapUpMinutes.optional(),
    autoCloseAfterInactivityMinutes: fields.autoCloseAfterInactivityMinutes.optional(),
    reopenWindowMinutes: fields.reopenWindowMinutes.optional(),
    openTimeoutMinutes: fields.openTimeoutMinutes.optional(),
    allowedPresences: fields.allowedPresences.optional(),
    skillMatching: fields.skillMatching.optional(),
    botId: fields.botId.optional(),
    calendarId: fields.calendarId.optional(),
    outOfHoursAction: fields.outOfHoursAction.optional(),
    preferredAgentFallback: fields.preferredAgentFallback.optional(),
  })
  .strict()
  .openapi('WorkstreamUpdate');

export const Workstream = createSelectSchema(workstreams, {
  allowedPresences: z.array(z.enum(PRESENCES)),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
})
  .extend({ channel: z.literal('sms') })
  .openapi('Workstream');

/** `{id}` of the workstream a child collection hangs under (/workstreams/{id}/sms-channels, …/routing-rules). */
export const WorkstreamParam = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'Workstream id' }),
});

/** crudRoutes' paths for a collection under a workstream whose items are `/{key}`. */
export const underWorkstream = <const K extends string>(key: K) => ({
  parent: WorkstreamParam,
  item: { path: `/{${key}}` as const, params: WorkstreamParam.extend(idParam(key).shape) },
});

export const workstreamRoutes = crudRoutes({
  names: { tag: 'Workstreams', name: 'Workstream', one: 'workstream' },
  schemas: { entity: Workstream, create: WorkstreamCreate, update: WorkstreamUpdate },
  summaries: {
    create: 'Create an SMS workstream (defaults follow D365 for SMS)',
    update: 'Change a workstream (distributionMode is immutable: 409)',
    remove: 'Delete a workstream and its routing rules (refused while it has SMS channels)',
  },
});

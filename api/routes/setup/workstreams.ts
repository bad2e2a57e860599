import { z } from '@hono/zod-openapi';
import { asc, count, eq } from 'drizzle-orm';
import { bots, queues, smsChannels, workstreams } from '../../../db/schema/index.js';
import { guard } from '../../auth.js';
import type { ApiDeps } from '../../deps.js';
import {
  conflict,
  createSetupRouter,
  type Executor,
  fieldProblem,
  IdParam,
  jsonBody,
  jsonResponse,
  noContent,
  setupRoute,
  unknownId,
} from './common.js';

const PRESENCES = ['available', 'busy', 'busy_dnd', 'away', 'offline'] as const;
const DistributionMode = z.enum(['push', 'pick'], { error: 'must be push or pick' });

/** Each field with its D365-like SMS default; the same shapes serve create (with defaults) and update (partial). */
const fields = {
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
  skillMatching: z.enum(['exact', 'none'], { error: 'must be exact or none' }),
  botId: z.uuid().nullable().openapi({ description: 'Bot that answers first (push workstreams only)' }),
};

const WorkstreamCreate = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200),
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
  })
  .strict()
  .openapi('WorkstreamCreate');

const WorkstreamUpdate = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200).optional(),
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
  })
  .strict()
  .openapi('WorkstreamUpdate');

const Workstream = z
  .object({
    id: z.uuid(),
    name: z.string(),
    channel: z.literal('sms'),
    distributionMode: DistributionMode,
    capacityUnits: z.number().int(),
    defaultQueueId: z.uuid(),
    offerTimeoutSeconds: z.number().int(),
    autoAccept: z.boolean(),
    keepSameAgent: z.boolean(),
    blockCapacityForWrapUp: z.boolean(),
    wrapUpMinutes: z.number().int(),
    autoCloseAfterInactivityMinutes: z.number().int(),
    reopenWindowMinutes: z.number().int(),
    openTimeoutMinutes: z.number().int(),
    allowedPresences: z.array(z.enum(PRESENCES)),
    skillMatching: z.enum(['exact', 'none']),
    botId: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Workstream');

type Row = typeof workstreams.$inferSelect;

const view = (r: Row): z.infer<typeof Workstream> => ({
  id: r.id,
  name: r.name,
  channel: 'sms',
  distributionMode: r.distributionMode,
  capacityUnits: r.capacityUnits,
  defaultQueueId: r.defaultQueueId,
  offerTimeoutSeconds: r.offerTimeoutSeconds,
  autoAccept: r.autoAccept,
  keepSameAgent: r.keepSameAgent,
  blockCapacityForWrapUp: r.blockCapacityForWrapUp,
  wrapUpMinutes: r.wrapUpMinutes,
  autoCloseAfterInactivityMinutes: r.autoCloseAfterInactivityMinutes,
  reopenWindowMinutes: r.reopenWindowMinutes,
  openTimeoutMinutes: r.openTimeoutMinutes,
  allowedPresences: r.allowedPresences,
  skillMatching: r.skillMatching,
  botId: r.botId,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export async function loadWorkstream(db: Executor, id: string): Promise<Row> {
  const row = await db.query.workstreams.findFirst({ where: eq(workstreams.id, id) });
  if (!row) throw unknownId('workstream', id);
  return row;
}

async function assertQueue(db: Executor, path: string, id: string) {
  const q = await db.query.queues.findFirst({ where: eq(queues.id, id), columns: { id: true } });
  if (!q) throw fieldProblem(path, `no queue with id ${id}`);
}

/** A bot is the first participant of push workstreams only (D365 §3). */
async function assertBot(db: Executor, botId: string | null | undefined, mode: 'push' | 'pick') {
  if (!botId) return;
  const b = await db.query.bots.findFirst({ where: eq(bots.id, botId), columns: { id: true } });
  if (!b) throw fieldProblem('botId', `no bot with id ${botId}`);
  if (mode !== 'push') throw fieldProblem('botId', 'a bot can only be attached to a push workstream');
}

export function workstreamRoutes(deps: ApiDeps) {
  const app = createSetupRouter();
  const admin = guard(deps, 'admin');
  const readers = guard(deps, 'admin', 'supervisor');

  app.openapi(
    setupRoute({
      method: 'post',
      path: '/workstreams',
      operationId: 'createWorkstream',
      tags: ['Workstreams'],
      summary: 'Create an SMS workstream (defaults follow D365 for SMS)',
      middleware: admin,
      request: { body: jsonBody(WorkstreamCreate) },
      responses: { 201: jsonResponse(Workstream, 'Created') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      await assertQueue(deps.db, 'defaultQueueId', body.defaultQueueId);
      await assertBot(deps.db, body.botId, body.distributionMode);
      const [row] = await deps.db
        .insert(workstreams)
        .values({ ...body, botId: body.botId ?? null })
        .returning();
      return c.json(view(row!), 201);
    },
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/workstreams',
      operationId: 'listWorkstreams',
      tags: ['Workstreams'],
      summary: 'List workstreams',
      middleware: readers,
      responses: { 200: jsonResponse(z.object({ items: z.array(Workstream) }), 'Workstreams') },
    }),
    async (c) => {
      const rows = await deps.db.query.workstreams.findMany({
        orderBy: [asc(workstreams.createdAt), asc(workstreams.id)],
      });
      return c.json({ items: rows.map(view) }, 200);
    },
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/workstreams/{id}',
      operationId: 'getWorkstream',
      tags: ['Workstreams'],
      summary: 'One workstream',
      middleware: readers,
      request: { params: IdParam },
      responses: { 200: jsonResponse(Workstream, 'The workstream') },
    }),
    async (c) => c.json(view(await loadWorkstream(deps.db, c.req.valid('param').id)), 200),
  );

  app.openapi(
    setupRoute({
      method: 'patch',
      path: '/workstreams/{id}',
      operationId: 'updateWorkstream',
      tags: ['Workstreams'],
      summary: 'Change a workstream (distributionMode is immutable: 409)',
      middleware: admin,
      request: { params: IdParam, body: jsonBody(WorkstreamUpdate) },
      responses: { 200: jsonResponse(Workstream, 'Updated') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const current = await loadWorkstream(deps.db, id);
      if (body.distributionMode !== undefined && body.distributionMode !== current.distributionMode) {
        throw conflict(
          `distributionMode is immutable: workstream ${id} was created as ${current.distributionMode}; create a new workstream for ${body.distributionMode}`,
          'distributionMode',
        );
      }
      if (body.defaultQueueId) await assertQueue(deps.db, 'defaultQueueId', body.defaultQueueId);
      if (body.botId !== undefined) await assertBot(deps.db, body.botId, current.distributionMode);
      const { distributionMode: _immutable, ...changes } = body;
      const [row] = await deps.db
        .update(workstreams)
        .set({ ...changes, updatedAt: new Date() })
        .where(eq(workstreams.id, id))
        .returning();
      return c.json(view(row!), 200);
    },
  );

  app.openapi(
    setupRoute({
      method: 'delete',
      path: '/workstreams/{id}',
      operationId: 'deleteWorkstream',
      tags: ['Workstreams'],
      summary: 'Delete a workstream and its routing rules (refused while it has SMS channels)',
      middleware: admin,
      request: { params: IdParam },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await loadWorkstream(deps.db, id);
      const [channels] = await deps.db.select({ n: count() }).from(smsChannels).where(eq(smsChannels.workstreamId, id));
      if (channels && channels.n > 0) {
        throw conflict(`workstream ${id} still has ${channels.n} SMS channel(s); delete them first`);
      }
      await deps.db.delete(workstreams).where(eq(workstreams.id, id));
      return c.body(null, 204);
    },
  );

  return app;
}

import type { z } from '@hono/zod-openapi';
import { asc, count, eq } from 'drizzle-orm';
import { bots, calendars, queues, smsChannels, workstreams } from '../../../db/schema/index.js';
import type { CrudHandlers } from '../../lib/crud-routes.js';
import { conflict, type Executor, fieldProblem, loadOr404 } from '../../lib/route-helpers.js';
import { jsonRow } from '../../lib/table-schemas.js';
import type { Workstream, workstreamRoutes } from './workstreams.routes.js';

type Handlers = CrudHandlers<typeof workstreamRoutes>;

type Row = typeof workstreams.$inferSelect;

const view = (r: Row): z.infer<typeof Workstream> => ({ ...jsonRow(r), channel: 'sms' });

export const loadWorkstream = (db: Executor, id: string) =>
  loadOr404(db.query.workstreams.findFirst({ where: eq(workstreams.id, id) }), 'workstream', id);

async function assertQueue(db: Executor, path: string, id: string) {
  const q = await db.query.queues.findFirst({ where: eq(queues.id, id), columns: { id: true } });
  if (!q) throw fieldProblem(path, `no queue with id ${id}`);
}

async function assertCalendar(db: Executor, id: string | null | undefined) {
  if (!id) return;
  const cal = await db.query.calendars.findFirst({ where: eq(calendars.id, id), columns: { id: true } });
  if (!cal) throw fieldProblem('calendarId', `no calendar with id ${id}`);
}

/** A bot is the first participant of push workstreams only (docs/domain.md, "The conversation model"). */
async function assertBot(db: Executor, botId: string | null | undefined, mode: 'push' | 'pick') {
  if (!botId) return;
  const b = await db.query.bots.findFirst({ where: eq(bots.id, botId), columns: { id: true } });
  if (!b) throw fieldProblem('botId', `no bot with id ${botId}`);
  if (mode !== 'push') throw fieldProblem('botId', 'a bot can only be attached to a push workstream');
}

const create: Handlers['create'] = async (c) => {
  const deps = c.var.deps;
  const body = c.req.valid('json');
  await assertQueue(deps.db, 'defaultQueueId', body.defaultQueueId);
  await assertBot(deps.db, body.botId, body.distributionMode);
  await assertCalendar(deps.db, body.calendarId);
  const [row] = await deps.db
    .insert(workstreams)
    .values({ ...body, botId: body.botId ?? null, calendarId: body.calendarId ?? null })
    .returning();
  return c.json(view(row!), 201);
};

const list: Handlers['list'] = async (c) => {
  const deps = c.var.deps;
  const rows = await deps.db.query.workstreams.findMany({
    orderBy: [asc(workstreams.createdAt), asc(workstreams.id)],
  });
  return c.json({ items: rows.map(view) }, 200);
};

const get: Handlers['get'] = async (c) => {
  const deps = c.var.deps;
  return c.json(view(await loadWorkstream(deps.db, c.req.valid('param').id)), 200);
};

const update: Handlers['update'] = async (c) => {
  const deps = c.var.deps;
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
  await assertCalendar(deps.db, body.calendarId);
  const { distributionMode: _immutable, ...changes } = body;
  const [row] = await deps.db
    .update(workstreams)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(workstreams.id, id))
    .returning();
  return c.json(view(row!), 200);
};

const remove: Handlers['remove'] = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  await loadWorkstream(deps.db, id);
  const [channels] = await deps.db.select({ n: count() }).from(smsChannels).where(eq(smsChannels.workstreamId, id));
  if (channels && channels.n > 0) {
    throw conflict(`workstream ${id} still has ${channels.n} SMS channel(s); delete them first`);
  }
  await deps.db.delete(workstreams).where(eq(workstreams.id, id));
  return c.body(null, 204);
};

export const workstreamHandlers: Handlers = { list, get, create, update, remove };

import type { z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import { calendars, queues, workstreams } from '../../../db/schema/index.js';
import { hoursStatus } from '../../../domain/operating-hours.js';
import type { CrudHandlers } from '../../lib/crud-routes.js';
import { conflict, type Executor, loadOr404, uniqueOr409 } from '../../lib/route-helpers.js';
import type { Calendar, calendarRoutes } from './calendars.routes.js';

type Handlers = CrudHandlers<typeof calendarRoutes>;

type Row = typeof calendars.$inferSelect;

const view = (r: Row, now = new Date()): z.infer<typeof Calendar> => {
  const status = hoursStatus(r, now);
  return {
    id: r.id,
    name: r.name,
    timeZone: r.timeZone,
    weekly: r.weekly,
    holidays: r.holidays.map((h) => (h.name ? { date: h.date, name: h.name } : { date: h.date })),
    closures: r.closures.map((c) =>
      c.reason ? { start: c.start, end: c.end, reason: c.reason } : { start: c.start, end: c.end },
    ),
    openNow: status.open,
    nextOpeningAt: status.open ? now.toISOString() : status.nextOpeningAt,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
};

const load = (db: Executor, id: string) =>
  loadOr404(db.query.calendars.findFirst({ where: eq(calendars.id, id) }), 'calendar', id);

const duplicate = (name: string | undefined) => () => conflict(`a calendar named "${name}" already exists`, 'name');

const create: Handlers['create'] = async (c) => {
  const body = c.req.valid('json');
  const [row] = await uniqueOr409(() => c.var.deps.db.insert(calendars).values(body).returning(), duplicate(body.name));
  return c.json(view(row!), 201);
};

const list: Handlers['list'] = async (c) => {
  const rows = await c.var.deps.db.query.calendars.findMany({ orderBy: [asc(calendars.name)] });
  const now = new Date();
  return c.json({ items: rows.map((r) => view(r, now)) }, 200);
};

const get: Handlers['get'] = async (c) => c.json(view(await load(c.var.deps.db, c.req.valid('param').id)), 200);

const update: Handlers['update'] = async (c) => {
  const db = c.var.deps.db;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  await load(db, id);
  const [row] = await uniqueOr409(
    () =>
      db
        .update(calendars)
        .set({ ...body, updatedAt: new Date() })
        .where(eq(calendars.id, id))
        .returning(),
    duplicate(body.name),
  );
  return c.json(view(row!), 200);
};

const remove: Handlers['remove'] = async (c) => {
  const db = c.var.deps.db;
  const { id } = c.req.valid('param');
  await load(db, id);
  const q = await db.query.queues.findFirst({ where: eq(queues.calendarId, id), columns: { id: true, name: true } });
  if (q) throw conflict(`calendar ${id} is used by queue "${q.name}" (${q.id})`);
  const w = await db.query.workstreams.findFirst({
    where: eq(workstreams.calendarId, id),
    columns: { id: true, name: true },
  });
  if (w) throw conflict(`calendar ${id} is used by workstream "${w.name}" (${w.id})`);
  await db.delete(calendars).where(eq(calendars.id, id));
  return c.body(null, 204);
};

export const calendarHandlers: Handlers = { list, get, create, update, remove };

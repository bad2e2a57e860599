import { eq } from 'drizzle-orm';
import { settings } from '../../../db/schema/index.js';
import type { AppRouteHandler, Executor } from '../../lib/route-helpers.js';
import type * as routes from './settings.routes.js';

type Row = typeof settings.$inferSelect;

const view = (r: Row) => ({
  smsEnabled: r.smsEnabled,
  declinesAllowed: r.declinesAllowed,
  updatedAt: r.updatedAt.toISOString(),
});

// The row normally exists (bootstrap); create it on demand so a fresh database never answers 500.
async function load(db: Executor): Promise<Row> {
  await db.insert(settings).values({ id: 1 }).onConflictDoNothing();
  const row = await db.query.settings.findFirst({ where: eq(settings.id, 1) });
  return row!;
}

export const getSettings: AppRouteHandler<typeof routes.getSettings> = async (c) => {
  return c.json(view(await load(c.var.deps.db)), 200);
};

export const updateSettings: AppRouteHandler<typeof routes.updateSettings> = async (c) => {
  const deps = c.var.deps;
  const body = c.req.valid('json');
  await load(deps.db);
  const [row] = await deps.db
    .update(settings)
    .set({ ...body, updatedAt: new Date() })
    .where(eq(settings.id, 1))
    .returning();
  deps.logger.info({ actorId: c.get('user').id, changes: body }, 'settings changed');
  return c.json(view(row!), 200);
};

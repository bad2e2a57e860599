import { and, desc, eq, inArray, lt, type SQL, sql } from 'drizzle-orm';
import { inbox, settings } from '../../../db/schema/index.js';
import { ProblemError } from '../../../lib/problem.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import type * as routes from './inbox.routes.js';

/** Callbacks as stored, newest first; the raw body and the dedup key stay server-side. */
export const listInbox: AppRouteHandler<typeof routes.listInbox> = async (c) => {
  const q = c.req.valid('query');
  const where: SQL[] = [];
  if (q.status) where.push(eq(inbox.status, q.status));
  if (q.accountId) where.push(eq(inbox.accountId, q.accountId));
  if (q.before) where.push(lt(inbox.receivedAt, new Date(q.before)));
  const rows = await c.var.deps.db
    .select()
    .from(inbox)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(inbox.receivedAt), desc(inbox.id))
    .limit(q.limit);
  return c.json(
    {
      items: rows.map(({ rawBody: _raw, dedupKey: _k, ...r }) => ({
        ...r,
        nextAttemptAt: r.nextAttemptAt.toISOString(),
        receivedAt: r.receivedAt.toISOString(),
        deliveredAt: r.deliveredAt?.toISOString() ?? null,
      })),
    },
    200,
  );
};

/** Held SMS back to pending, so the relay hands them over in arrival order. */
export const releaseHeldInbox: AppRouteHandler<typeof routes.releaseHeldInbox> = async (c) => {
  const db = c.var.deps.db;
  const body = c.req.valid('json') ?? {};
  const org = await db.query.settings.findFirst({ where: eq(settings.id, 1) });
  if (org && !org.smsEnabled) {
    throw new ProblemError(409, 'SMS is disabled in settings; enable it before releasing held messages', [
      { path: 'smsEnabled', message: 'must be true' },
    ]);
  }
  const where: SQL[] = [eq(inbox.status, 'held'), eq(inbox.kind, 'mo_sms')];
  if (body.accountId) where.push(eq(inbox.accountId, body.accountId));
  if (body.ids) where.push(inArray(inbox.id, body.ids));
  const released = await db
    .update(inbox)
    .set({ status: 'pending', nextAttemptAt: sql`now()`, lastError: null })
    .where(and(...where))
    .returning({ id: inbox.id });
  return c.json({ released: released.length }, 200);
};

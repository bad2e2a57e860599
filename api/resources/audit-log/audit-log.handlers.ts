import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { auditLog } from '../../../db/schema/index.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import type * as routes from './audit-log.routes.js';

export const listAuditLog: AppRouteHandler<typeof routes.listAuditLog> = async (c) => {
  const deps = c.var.deps;
  const q = c.req.valid('query');
  const where: SQL[] = [];
  if (q.targetType) where.push(eq(auditLog.targetType, q.targetType));
  if (q.targetId) where.push(eq(auditLog.targetId, q.targetId));
  if (q.before) where.push(lt(auditLog.id, q.before));
  const rows = await deps.db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(q.limit);
  return c.json(
    {
      items: rows.map((r) => ({ ...r, at: r.at.toISOString() })),
      nextBefore: rows.length === q.limit ? rows[rows.length - 1]!.id : null,
    },
    200,
  );
};

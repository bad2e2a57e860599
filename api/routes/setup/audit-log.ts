import { z } from '@hono/zod-openapi';
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { auditLog } from '../../../db/schema/index.js';
import { guard } from '../../auth.js';
import type { ApiDeps } from '../../deps.js';
import { createSetupRouter, jsonResponse, setupRoute } from './common.js';

const AuditEntry = z
  .object({
    id: z.number().int(),
    actorId: z.string().nullable(),
    action: z.string().openapi({ example: 'messaging_account.api_key_rotated' }),
    targetType: z.string(),
    targetId: z.string().nullable(),
    details: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'Never contains secrets: hints and key ids only' }),
    at: z.string(),
  })
  .openapi('AuditEntry');

const Query = z.object({
  targetType: z.string().max(64).optional(),
  targetId: z.string().max(64).optional(),
  before: z.coerce.number().int().min(1).optional().openapi({ description: 'Page: entries with id below this' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** Who changed what in the setup, newest first: secret sets and rotations, token rotations, role changes. */
export function auditLogRoutes(deps: ApiDeps) {
  const app = createSetupRouter();
  app.openapi(
    setupRoute({
      method: 'get',
      path: '/audit-log',
      operationId: 'listAuditLog',
      tags: ['Audit log'],
      summary: 'Setup changes, newest first (secret changes show hints only)',
      middleware: guard(deps, 'admin'),
      request: { query: Query },
      responses: {
        200: jsonResponse(z.object({ items: z.array(AuditEntry), nextBefore: z.number().int().nullable() }), 'Entries'),
      },
    }),
    async (c) => {
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
    },
  );
  return app;
}

import { z } from '@hono/zod-openapi';
import { allow, jsonResponse, resourceRoute } from '../../lib/route-helpers.js';

export const AuditEntry = z
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

export const Query = z.object({
  targetType: z.string().max(64).optional(),
  targetId: z.string().max(64).optional(),
  before: z.coerce.number().int().min(1).optional().openapi({ description: 'Page: entries with id below this' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const listAuditLog = resourceRoute({
  method: 'get',
  path: '/',
  operationId: 'listAuditLog',
  tags: ['Audit log'],
  summary: 'Setup changes, newest first (secret changes show hints only)',
  middleware: allow('admin'),
  request: { query: Query },
  responses: {
    200: jsonResponse(z.object({ items: z.array(AuditEntry), nextBefore: z.number().int().nullable() }), 'Entries'),
  },
});

import { z } from '@hono/zod-openapi';
import { operationsOf } from '../../lib/operations.js';
import { allow } from '../../lib/route-helpers.js';

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

const op = operationsOf({ tag: 'Audit log', guard: allow('admin') });

export const listAuditLog = op.get('/', 'listAuditLog', {
  summary: 'Setup changes, newest first (secret changes show hints only)',
  query: Query,
  ok: [z.object({ items: z.array(AuditEntry), nextBefore: z.number().int().nullable() }), 'Entries'],
});

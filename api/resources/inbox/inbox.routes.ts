import { z } from '@hono/zod-openapi';
import { INBOX_KINDS } from '../../../domain/vocabulary.js';
import { allow } from '../../lib/route-helpers.js';
import { problemResponse } from '../../problem-schema.js';
import { protectedRoute } from '../../route-contract.js';

const STATUSES = ['pending', 'delivered', 'held', 'unroutable', 'ignored'] as const;

const InboxItem = z
  .object({
    id: z.string(),
    accountId: z.string(),
    kind: z.enum(INBOX_KINDS),
    status: z.enum(STATUSES),
    referenceId: z.string().nullable(),
    subResource: z.string().nullable(),
    payload: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: 'null once the payload retention passed' }),
    flags: z.record(z.string(), z.boolean()),
    attempts: z.number().int(),
    nextAttemptAt: z.string(),
    lastError: z.string().nullable(),
    receivedAt: z.string(),
    deliveredAt: z.string().nullable(),
    workflowId: z.string().nullable(),
  })
  .openapi('InboxItem');

const Query = z.object({
  status: z.enum(STATUSES).optional().openapi({ description: 'e.g. held (SMS switched off) or unroutable' }),
  accountId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.iso.datetime().optional().openapi({ description: 'Page: items received before this time' }),
});

export const listInbox = protectedRoute({
  method: 'get',
  path: '/',
  operationId: 'listInbox',
  tags: ['Inbox'],
  summary: 'TeleSign callbacks as received (admin): held, unroutable, ignored, pending, delivered',
  middleware: allow('admin'),
  request: { query: Query },
  responses: {
    200: {
      description: 'Newest first',
      content: { 'application/json': { schema: z.object({ items: z.array(InboxItem) }) } },
    },
  },
});

export const releaseHeldInbox = protectedRoute({
  method: 'post',
  path: '/release-held',
  operationId: 'releaseHeldInbox',
  tags: ['Inbox'],
  summary: 'Hand the SMS held while the channel was switched off to their conversations (admin)',
  description:
    'Held messages are not replayed automatically when SMS is switched back on: they may be days old, so an admin ' +
    'decides. Released messages go through the inbox relay in arrival order.',
  middleware: allow('admin'),
  request: {
    body: {
      required: false,
      content: {
        'application/json': {
          schema: z.object({
            accountId: z.uuid().optional(),
            ids: z.array(z.uuid()).min(1).max(1000).optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'How many held messages were released',
      content: { 'application/json': { schema: z.object({ released: z.number().int() }) } },
    },
    409: problemResponse('SMS is switched off in settings'),
  },
});

import { z } from '@hono/zod-openapi';
import { and, desc, eq, inArray, lt, type SQL, sql } from 'drizzle-orm';
import { inbox, settings } from '../../db/schema/index.js';
import { ProblemError } from '../../lib/problem.js';
import { guard } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { problemResponse } from '../problem-schema.js';
import { protectedRoute } from '../route-contract.js';
import { createRouter } from '../router.js';

const STATUSES = ['pending', 'delivered', 'held', 'unroutable', 'ignored'] as const;

const InboxItem = z
  .object({
    id: z.string(),
    accountId: z.string(),
    kind: z.enum(['mo_sms', 'dlr', 'other']),
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

/** GET /api/v1/inbox?status= — admins see callbacks that were held, unroutable, ignored or still waiting. */
export function adminInboxRoutes(deps: ApiDeps) {
  const app = createRouter();
  app.openapi(
    protectedRoute({
      method: 'get',
      path: '/inbox',
      operationId: 'listInbox',
      tags: ['Inbox'],
      summary: 'TeleSign callbacks as received (admin): held, unroutable, ignored, pending, delivered',
      middleware: guard(deps, 'admin'),
      request: { query: Query },
      responses: {
        200: {
          description: 'Newest first',
          content: { 'application/json': { schema: z.object({ items: z.array(InboxItem) }) } },
        },
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const where: SQL[] = [];
      if (q.status) where.push(eq(inbox.status, q.status));
      if (q.accountId) where.push(eq(inbox.accountId, q.accountId));
      if (q.before) where.push(lt(inbox.receivedAt, new Date(q.before)));
      const rows = await deps.db
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
    },
  );
  app.openapi(
    protectedRoute({
      method: 'post',
      path: '/inbox/release-held',
      operationId: 'releaseHeldInbox',
      tags: ['Inbox'],
      summary: 'Hand the SMS held while the channel was switched off to their conversations (admin)',
      description:
        'Held messages are not replayed automatically when SMS is switched back on: they may be days old, so an admin ' +
        'decides. Released messages go through the inbox relay in arrival order.',
      middleware: guard(deps, 'admin'),
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
    }),
    async (c) => {
      const body = c.req.valid('json') ?? {};
      const org = await deps.db.query.settings.findFirst({ where: eq(settings.id, 1) });
      if (org && !org.smsEnabled) {
        throw new ProblemError(409, 'SMS is disabled in settings; enable it before releasing held messages', [
          { path: 'smsEnabled', message: 'must be true' },
        ]);
      }
      const where: SQL[] = [eq(inbox.status, 'held'), eq(inbox.kind, 'mo_sms')];
      if (body.accountId) where.push(eq(inbox.accountId, body.accountId));
      if (body.ids) where.push(inArray(inbox.id, body.ids));
      const released = await deps.db
        .update(inbox)
        .set({ status: 'pending', nextAttemptAt: sql`now()`, lastError: null })
        .where(and(...where))
        .returning({ id: inbox.id });
      return c.json({ released: released.length }, 200);
    },
  );
  return app;
}

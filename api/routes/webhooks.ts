import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { inbox, messagingAccounts } from '../../db/schema/index.js';
import { ProblemError } from '../../lib/problem.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { handOverMo } from '../inbox/hand-over.js';

// Walking skeleton of the TeleSign callback (issue 2); signature checks, DLRs and the relay come with the edge issue.
const moSms = z.object({
  reference_id: z.string().min(1),
  sub_resource: z.literal('mo_sms'),
  submit_timestamp: z.string().optional(),
  user_response: z.object({ phone_number: z.string().min(1), sender_id: z.string().min(1), mo_message: z.string() }),
});

export function webhookRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  app.post('/telesign/:accountId', async (c) => {
    const accountId = c.req.param('accountId');
    const account = z.uuid().safeParse(accountId).success
      ? await deps.db.query.messagingAccounts.findFirst({ where: eq(messagingAccounts.id, accountId) })
      : undefined;
    if (!account?.enabled) throw new ProblemError(404, `messaging account ${accountId} does not exist or is disabled`);
    const raw = await c.req.text();
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new ProblemError(400, 'the body is not JSON');
    }
    const parsed = moSms.safeParse(body);
    if (!parsed.success) throw new ProblemError(400, 'only mo_sms callbacks are handled by the skeleton');
    const mo = parsed.data;
    const receivedAt = new Date().toISOString();
    const [row] = await deps.db
      .insert(inbox)
      .values({
        accountId,
        kind: 'mo_sms',
        dedupKey: `mo:${accountId}:${mo.reference_id}`,
        referenceId: mo.reference_id,
        subResource: mo.sub_resource,
        rawBody: raw,
        payload: body as Record<string, unknown>,
      })
      .onConflictDoNothing({ target: inbox.dedupKey })
      .returning({ id: inbox.id });
    if (row) {
      // Never make TeleSign wait on Temporal: hand over after answering.
      void handOverMo(deps, {
        inboxId: row.id,
        accountId,
        supportNumber: mo.user_response.sender_id,
        customerNumber: mo.user_response.phone_number,
        sms: { inboxId: row.id, referenceId: mo.reference_id, text: mo.user_response.mo_message, receivedAt },
      }).catch((err) => deps.logger.warn({ err, inboxId: row.id }, 'hand-over failed; the relay will retry'));
    }
    return c.json({});
  });
  return app;
}

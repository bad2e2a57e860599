import { and, eq, ne, sql } from 'drizzle-orm';
import { setConsentIn } from '../activities/consent.js';
import type { Db } from '../db/client.js';
import { publishEvent } from '../db/publish-event.js';
import { conversations, messageStatusEvents, messages } from '../db/schema/index.js';
import { metrics } from '../lib/metrics.js';
import { classifyStatus } from '../telesign/status-codes.js';
import type { ParsedDlr } from './ingest/parse-callback.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export type DlrOutcome = { outcome: 'applied' | 'stale' | 'unknown'; messageId?: string };

const FINAL = ['delivered', 'failed', 'blocked'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies one delivery report inside the caller's transaction (the one that records it in the inbox): message
 * status, a message_status_events row, the live 'message.status' event, and for 510 the customer's opt-out.
 * The message is found by external_id (our message id, so a DLR that overtakes the send's response still lands),
 * then by reference_id, and only among this account's conversations. An intermediate status never overwrites a
 * final one (DLRs arrive out of order); the history row is kept either way.
 */
export async function applyDlr(tx: Tx, accountId: string, dlr: ParsedDlr): Promise<DlrOutcome> {
  const byId = dlr.externalId && UUID.test(dlr.externalId) ? eq(messages.id, dlr.externalId) : undefined;
  const find = (cond: ReturnType<typeof eq>) =>
    tx
      .select({
        id: messages.id,
        status: messages.status,
        providerReferenceId: messages.providerReferenceId,
        conversationId: messages.conversationId,
        agentId: conversations.agentId,
        supportNumber: conversations.supportNumber,
        customerNumber: conversations.customerNumber,
      })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(cond, eq(conversations.accountId, accountId), ne(messages.direction, 'inbound')))
      .for('update', { of: messages })
      .limit(1);
  let [found] = byId ? await find(byId) : [];
  if (!found) [found] = await find(eq(messages.providerReferenceId, dlr.referenceId));
  if (!found) return { outcome: 'unknown' };

  const cls = classifyStatus(dlr.statusCode);
  // Our message id came back under a second reference id: TeleSign sent it twice. Counted once, on the final report.
  if (cls.final && found.providerReferenceId && found.providerReferenceId !== dlr.referenceId) {
    metrics.sendDuplicates.inc({ kind: 'confirmed' });
  }
  await tx.insert(messageStatusEvents).values({
    messageId: found.id,
    statusCode: dlr.statusCode,
    description: dlr.description,
    providerUpdatedAt: dlr.updatedOn,
  });
  const isFinal = (FINAL as readonly string[]).includes(found.status);
  // Stale: an interim report after a final one, or anything after 'delivered' (the strongest evidence we get).
  const stale = (isFinal && !cls.final) || found.status === 'delivered';
  if (!stale) {
    await tx
      .update(messages)
      .set({
        status: cls.status,
        providerStatusCode: dlr.statusCode,
        providerStatusText: dlr.description,
        updatedAt: sql`now()`,
        ...(found.providerReferenceId ? {} : { providerReferenceId: dlr.referenceId }),
      })
      .where(eq(messages.id, found.id));
    await publishEvent(tx, {
      type: 'message.status',
      conversationId: found.conversationId,
      agentIds: found.agentId ? [found.agentId] : [],
      data: {
        conversationId: found.conversationId,
        messageId: found.id,
        status: cls.status,
        providerStatusCode: dlr.statusCode,
      },
    });
  }
  if (cls.optOut) {
    await setConsentIn(tx, {
      supportNumber: found.supportNumber,
      customerNumber: found.customerNumber,
      optedOut: true,
      source: `dlr:${dlr.statusCode}`,
      idempotencyKey: `dlr:${dlr.statusCode}:${dlr.referenceId}`,
    });
  }
  return { outcome: stale ? 'stale' : 'applied', messageId: found.id };
}

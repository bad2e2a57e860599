import type { Db } from '../db/client.js';
import { publishConversationEvent } from '../db/events.js';
import { setConsentIn } from '../db/repositories/consent.js';
import { appendStatusEvent, lockReportedMessage, setReportedStatus } from '../db/repositories/messages.js';
import { statusAfterReport } from '../domain/message-status.js';
import { metrics } from '../lib/metrics.js';
import { classifyStatus } from '../telesign/status-codes.js';
import type { ParsedDlr } from './ingest/parse-callback.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export type DlrOutcome = { outcome: 'applied' | 'stale' | 'unknown'; messageId?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies one delivery report inside the caller's transaction (the one that records it in the inbox): message
 * status, a message_status_events row, the live 'message.status' event, and for 510 the customer's opt-out.
 * The message is found by external_id (our message id), then by reference_id, only among this account's
 * conversations. Whether the report may change the status (reports arrive out of order) is domain/message-status.ts's
 * call; the history row is kept either way.
 */
export async function applyDlr(tx: Tx, accountId: string, dlr: ParsedDlr): Promise<DlrOutcome> {
  const found = await lockReportedMessage(tx, accountId, {
    messageId: dlr.externalId && UUID.test(dlr.externalId) ? dlr.externalId : undefined,
    referenceId: dlr.referenceId,
  });
  if (!found) return { outcome: 'unknown' };

  const cls = classifyStatus(dlr.statusCode);
  // Our message id came back under a second reference id: TeleSign sent it twice. Counted once, on the final report.
  if (cls.final && found.providerReferenceId && found.providerReferenceId !== dlr.referenceId) {
    metrics.sendDuplicates.inc({ kind: 'confirmed' });
  }
  await appendStatusEvent(tx, {
    messageId: found.id,
    statusCode: dlr.statusCode,
    description: dlr.description,
    providerUpdatedAt: dlr.updatedOn,
  });
  const next = statusAfterReport(found.status, cls);
  if (next) {
    await setReportedStatus(tx, found, {
      status: next,
      statusCode: dlr.statusCode,
      description: dlr.description,
      referenceId: dlr.referenceId,
    });
    await publishConversationEvent(tx, {
      type: 'message.status',
      conversationId: found.conversationId,
      parties: found,
      data: {
        conversationId: found.conversationId,
        messageId: found.id,
        status: next,
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
  return { outcome: next ? 'applied' : 'stale', messageId: found.id };
}

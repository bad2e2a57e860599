import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { metrics } from '../lib/metrics.js';

export type RetentionPolicy = {
  /** Inbox payloads (raw body, JSON) and message status events older than this are dropped. */
  payloadDays: number;
  /** Inbox rows (their dedup keys) older than this are deleted. At least payloadDays. */
  inboxRowDays: number;
  /** Live events (SSE outbox) older than this are deleted. */
  eventsDays: number;
  /** Attachments (rows and bytes) of conversations closed longer ago than this are deleted. Unset: kept. */
  attachmentDays?: number;
};

export type RetentionResult = {
  payloadsNulled: number;
  inboxDeleted: number;
  statusEventsDeleted: number;
  eventsDeleted: number;
  attachmentsDeleted?: number;
};

/** Rows touched per statement: short statements, no long locks on tables the webhook writes to. */
const BATCH = 5000;

async function inBatches(db: Db, statement: () => ReturnType<typeof sql>): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await db.execute(statement());
    total += rows.length;
    if (rows.length < BATCH) return total;
  }
}

/**
 * The retention purge, run by the worker on a Temporal Schedule (workflows/retention-workflow.ts). Idempotent and
 * resumable: every statement only touches rows past their retention, in batches, so a retried or overlapping run
 * just finds less to do. Pending inbox rows (not yet handed over) are never touched. The dedup key outlives the
 * payload: a TeleSign retry of an old MO still hits the unique dedup_key until the row itself expires.
 */
export function retentionActivities(db: Db) {
  return {
    async purgeExpired(policy: RetentionPolicy): Promise<RetentionResult> {
      const payloadsNulled = await inBatches(
        db,
        () => sql`
        update inbox set raw_body = null, payload = null
        where id in (select id from inbox
                     where received_at < now() - ${policy.payloadDays} * interval '1 day'
                       and status <> 'pending' and (payload is not null or raw_body is not null)
                     limit ${BATCH})
        returning 1`,
      );
      const inboxDeleted = await inBatches(
        db,
        () => sql`
        delete from inbox where id in (select id from inbox
                     where received_at < now() - ${Math.max(policy.inboxRowDays, policy.payloadDays)} * interval '1 day'
                       and status <> 'pending'
                     limit ${BATCH})
        returning 1`,
      );
      const statusEventsDeleted = await inBatches(
        db,
        () => sql`
        delete from message_status_events where id in (select id from message_status_events
                     where at < now() - ${policy.payloadDays} * interval '1 day' limit ${BATCH})
        returning 1`,
      );
      const eventsDeleted = await inBatches(
        db,
        () => sql`
        delete from events where id in (select id from events
                     where at < now() - ${policy.eventsDays} * interval '1 day' limit ${BATCH})
        returning 1`,
      );
      // Files go with their conversation's retention (chunks cascade from the attachment row).
      const attachmentDays = policy.attachmentDays;
      const attachmentsDeleted =
        attachmentDays === undefined
          ? 0
          : await inBatches(
              db,
              () => sql`
        delete from attachments where id in (select a.id from attachments a
                     join conversations c on c.id = a.conversation_id
                     where c.state = 'closed' and c.closed_at < now() - ${attachmentDays} * interval '1 day'
                     limit ${BATCH})
        returning 1`,
            );
      metrics.retentionPurged.inc({ table: 'attachments', action: 'deleted' }, attachmentsDeleted);
      metrics.retentionPurged.inc({ table: 'inbox', action: 'payload_nulled' }, payloadsNulled);
      metrics.retentionPurged.inc({ table: 'inbox', action: 'deleted' }, inboxDeleted);
      metrics.retentionPurged.inc({ table: 'message_status_events', action: 'deleted' }, statusEventsDeleted);
      metrics.retentionPurged.inc({ table: 'events', action: 'deleted' }, eventsDeleted);
      return {
        payloadsNulled,
        inboxDeleted,
        statusEventsDeleted,
        eventsDeleted,
        ...(attachmentDays === undefined ? {} : { attachmentsDeleted }),
      };
    },
  };
}

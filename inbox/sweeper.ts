import { sql } from 'drizzle-orm';
import type { Config } from '../config/env.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../lib/logger.js';
import { metrics } from '../lib/metrics.js';

/** Rows handed over longer ago than this are not looked at (bounds the scan; a day is far beyond any burst). */
const LOOK_BACK = sql`interval '1 day'`;
/** Rows re-pended per pass. */
const LIMIT = 500;

export type Swept = { id: string; referenceId: string | null; conversationKey: string | null };

/**
 * Defence in depth (#20): an MO handed over more than INBOX_SWEEP_AFTER_SECONDS ago whose reference id has no
 * transcript row (`messages.provider_reference_id`) is handed over again: set back to pending, so the relay signals it
 * through its conversation's lane (in inbox order; the workflow records a reference it has not recorded and ignores
 * one it has). Each row is swept at most once per INBOX_SWEEP_AFTER_SECONDS. Counted and logged: a sweep means a
 * signal did not lead to a record, which is a bug to look at.
 */
export async function sweepUnrecorded(deps: {
  db: Db;
  logger: Logger;
  config: Pick<Config, 'INBOX_SWEEP_AFTER_SECONDS'>;
}): Promise<Swept[]> {
  const after = sql`${deps.config.INBOX_SWEEP_AFTER_SECONDS} * interval '1 second'`;
  const rows = await deps.db.execute<{ id: string; reference_id: string | null; conversation_key: string | null }>(sql`
    update inbox set status = 'pending', next_attempt_at = now(), swept_at = now(),
                     last_error = 'handed over again: no transcript row ' || ${deps.config.INBOX_SWEEP_AFTER_SECONDS}::text
                                  || ' s after the hand-over'
    where id in (
      select i.id from inbox i
      where i.kind = 'mo_sms' and i.status = 'delivered'
        and i.delivered_at < now() - ${after} and i.delivered_at > now() - ${LOOK_BACK}
        and (i.swept_at is null or i.swept_at < now() - ${after})
        and not exists (select 1 from messages m where m.provider_reference_id = i.reference_id)
      order by i.seq
      limit ${LIMIT}
      for update skip locked)
    returning id, reference_id, conversation_key`);
  const swept = rows.map((r) => ({ id: r.id, referenceId: r.reference_id, conversationKey: r.conversation_key }));
  if (swept.length) {
    metrics.inboxSwept.inc(swept.length);
    deps.logger.warn(
      { count: swept.length, rows: swept.slice(0, 20) },
      'inbox sweeper: handed-over MOs without a transcript row are handed over again',
    );
  }
  return swept;
}

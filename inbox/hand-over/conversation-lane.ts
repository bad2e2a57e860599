import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { inbox } from '../../db/schema/index.js';
import { conversationWorkflowId } from '../../temporal/ids.js';
import { parseCallback } from '../ingest/parse-callback.js';
import { toHandOver } from '../ingest/store-callback.js';
import { attemptHandOver, type HandedOver, type HandOverDeps, type HandOverPath, markHandedOver } from './hand-over.js';

/**
 * One conversation's MOs are handed to Temporal strictly in inbox order (`inbox.seq`), whichever path (immediate
 * hand-over or relay) and whichever API replica does it. Rule: only the holder of the conversation's lane lease hands
 * over, always starting from the oldest pending row, and a failure stops the lane (nothing later overtakes it).
 *
 * The lease is a row in `inbox_lanes`, not a held transaction or advisory lock: the holder signals Temporal between
 * statements (up to seconds each) and must not pin a pool connection meanwhile (32 immediate + 16 relay lanes against a
 * pool of 20 would starve the webhook's inserts). A holder that dies leaves a lease that runs out after LEASE_MS.
 *
 * No MO is stranded by a lost race: its writer commits the row before trying the lane, and a holder re-checks for
 * pending rows after releasing; so either the holder sees the row, or the writer's own claim comes after the release.
 */

/** Longer than a page of hand-overs can take between renewals (5 s timeout each, renewed at half-time). */
const LEASE_MS = 60_000;
/** Rows read per statement while draining. */
const PAGE = 50;

export type DrainOutcome = {
  /** Rows signalled into their workflow by this call. */
  delivered: number;
  /** busy: another holder has the lane (it will take our row); failed: Temporal refused, the rest waits. */
  state: 'done' | 'busy' | 'failed';
};

type PendingRow = {
  id: string;
  account_id: string;
  payload: unknown;
  received_at: string | Date;
  seq: string | number;
  /** True for a row whose last hand-over failed and whose backoff has not run out. */
  backing_off: boolean;
};

async function claim(deps: HandOverDeps, key: string, owner: string): Promise<boolean> {
  const rows = await deps.db.execute(sql`
    insert into inbox_lanes (conversation_key, owner, leased_until)
    values (${key}, ${owner}, now() + ${LEASE_MS} * interval '1 millisecond')
    on conflict (conversation_key) do update set owner = excluded.owner, leased_until = excluded.leased_until
      where inbox_lanes.leased_until < now()
    returning 1`);
  return rows.length > 0;
}

async function renew(deps: HandOverDeps, key: string, owner: string): Promise<boolean> {
  const rows = await deps.db.execute(sql`
    update inbox_lanes set leased_until = now() + ${LEASE_MS} * interval '1 millisecond'
    where conversation_key = ${key} and owner = ${owner}
    returning 1`);
  return rows.length > 0;
}

async function release(deps: HandOverDeps, key: string, owner: string): Promise<void> {
  await deps.db.execute(sql`delete from inbox_lanes where conversation_key = ${key} and owner = ${owner}`);
}

async function oldestPending(deps: HandOverDeps, key: string, limit: number): Promise<PendingRow[]> {
  return [
    ...(await deps.db.execute<PendingRow>(sql`
      select id, account_id, payload, received_at, seq, (attempts > 0 and next_attempt_at > now()) as backing_off
      from inbox
      where conversation_key = ${key} and status = 'pending'
      order by seq
      limit ${limit}`)),
  ];
}

/**
 * Hands over every pending MO of one conversation, oldest first, while holding its lane. Returns at once when
 * another holder has the lane. Throws only when PostgreSQL fails (the rows stay pending for the relay).
 */
export async function drainConversation(deps: HandOverDeps, key: string, path: HandOverPath): Promise<DrainOutcome> {
  let delivered = 0;
  for (;;) {
    const owner = randomUUID();
    if (!(await claim(deps, key, owner))) return { delivered, state: 'busy' };
    let failed = false;
    let lost = false;
    try {
      let renewedAt = Date.now();
      while (!failed && !lost) {
        const rows = await oldestPending(deps, key, PAGE);
        if (rows.length === 0) break;
        const done: HandedOver[] = [];
        const collect = (item: HandedOver) => {
          done.push(item);
          return Promise.resolve();
        };
        try {
          for (const row of rows) {
            if (row.backing_off) {
              // Temporal refused it moments ago: the relay retries it when its backoff ends, before anything later.
              failed = true;
              break;
            }
            const parsed = parseCallback(row.payload);
            if (parsed.kind !== 'mo_sms') {
              await deps.db
                .update(inbox)
                .set({ status: 'ignored', lastError: 'stored payload is not a usable mo_sms' })
                .where(and(eq(inbox.id, row.id), eq(inbox.status, 'pending')));
              continue;
            }
            const mo = toHandOver(row.id, row.account_id, parsed, new Date(row.received_at), Number(row.seq));
            if (!(await attemptHandOver(deps, mo, path, collect))) {
              failed = true; // Temporal refused: nothing later of this conversation may overtake this row.
              break;
            }
            delivered++;
            if (Date.now() - renewedAt > LEASE_MS / 2) {
              if (!(await renew(deps, key, owner))) {
                lost = true;
                break;
              }
              renewedAt = Date.now();
            }
          }
        } finally {
          // Marked before the lane is released: the next holder must not hand these over again.
          await markHandedOver(deps.db, done);
        }
        // A short page was everything pending when it was read; a row committed since is found by the look after the
        // release below, so asking again here would only cost a statement per drain.
        if (rows.length < PAGE) break;
      }
    } finally {
      await release(deps, key, owner);
    }
    if (failed) return { delivered, state: 'failed' };
    if (lost) {
      deps.logger.warn({ conversationKey: key }, 'inbox lane lease ran out while draining; the next holder goes on');
      return { delivered, state: 'busy' };
    }
    // A row committed while we held the lane may have found it busy: look once more now that it is free.
    if ((await oldestPending(deps, key, 1)).length === 0) return { delivered, state: 'done' };
  }
}

/**
 * Pending MOs stored before conversation keys existed (or by hand) get theirs from the payload, so the lanes see
 * them. Rows whose payload is not a usable MO are set aside as ignored.
 */
export async function backfillConversationKeys(deps: HandOverDeps, limit = 500): Promise<number> {
  const rows = await deps.db.execute<{ id: string; account_id: string; payload: unknown }>(sql`
    select id, account_id, payload from inbox
    where status = 'pending' and conversation_key is null
    limit ${limit}`);
  const ignored: string[] = [];
  for (const row of rows) {
    const parsed = parseCallback(row.payload);
    if (parsed.kind !== 'mo_sms') {
      ignored.push(row.id);
      continue;
    }
    const key = conversationWorkflowId(row.account_id, parsed.supportNumber, parsed.customerNumber);
    await deps.db.update(inbox).set({ conversationKey: key }).where(eq(inbox.id, row.id));
  }
  if (ignored.length) {
    await deps.db
      .update(inbox)
      .set({ status: 'ignored', lastError: 'stored payload is not a usable mo_sms' })
      .where(and(inArray(inbox.id, ignored), eq(inbox.status, 'pending')));
  }
  return rows.length;
}

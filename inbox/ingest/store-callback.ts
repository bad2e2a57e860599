import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { inbox, type inboxStatusEnum } from '../../db/schema/index.js';
import { conversationWorkflowId } from '../../temporal/ids.js';
import { applyDlr } from '../apply-dlr.js';
import type { MoHandOver } from '../hand-over/hand-over.js';
import type { ParsedCallback, ParsedMo } from './parse-callback.js';

export type InboxStatus = (typeof inboxStatusEnum.enumValues)[number];

export type StoreResult = {
  /** False when the dedup key was already there: a TeleSign retry, acknowledged and otherwise ignored. */
  stored: boolean;
  status: InboxStatus | null;
  /** Set for a newly stored, routable MO: hand it to Temporal (after answering). */
  handOver?: MoHandOver;
};

/** Grace before the relay may pick up a fresh MO, so it does not race the webhook's own immediate hand-over. */
const IMMEDIATE_GRACE = sql`now() + interval '30 seconds'`;

export function toHandOver(
  inboxId: string,
  accountId: string,
  mo: ParsedMo,
  receivedAt: Date,
  inboxSeq?: number,
): MoHandOver {
  return {
    inboxId,
    accountId,
    supportNumber: mo.supportNumber,
    customerNumber: mo.customerNumber,
    sms: {
      inboxId,
      referenceId: mo.referenceId,
      text: mo.text,
      receivedAt: (mo.submittedAt ?? receivedAt).toISOString(),
      ...(inboxSeq !== undefined ? { inboxSeq } : {}),
      ...(Object.keys(mo.flags).length ? { flags: mo.flags } : {}),
      ...(mo.action ? { action: mo.action } : {}),
      ...(mo.media ? { media: mo.media } : {}),
    },
  };
}

export type MoToStore = { accountId: string; rawBody: string; payload: unknown; parsed: ParsedMo };

/**
 * Commits verified mo_sms callbacks to the inbox in one statement (one commit), one result per item in order. Status
 * per row: held while the SMS channel is switched off, unroutable when no channel of the account serves the number,
 * else pending (to be handed to Temporal). A reference id seen before — in the table or earlier in the same batch —
 * is a TeleSign retry: acknowledged, not stored again.
 */
export async function storeMoBatch(db: Db, items: MoToStore[]): Promise<StoreResult[]> {
  if (items.length === 0) return [];
  const numbers = [...new Set(items.map((i) => i.parsed.supportNumber))];
  const [ctx] = await db.execute<{ sms_enabled: boolean; routable: string[] }>(sql`
    select coalesce((select sms_enabled from settings where id = 1), true) as sms_enabled,
           array(select pn.account_id::text || ' ' || pn.number
                 from phone_numbers pn join sms_channels sc on sc.phone_number_id = pn.id
                 where pn.number in ${numbers}) as routable`);
  const routable = new Set(ctx?.routable ?? []);
  const statusOf = (i: MoToStore): InboxStatus =>
    !ctx?.sms_enabled ? 'held' : routable.has(`${i.accountId} ${i.parsed.supportNumber}`) ? 'pending' : 'unroutable';

  const keyOf = (i: MoToStore) => `mo:${i.accountId}:${i.parsed.referenceId}`;
  const first = new Map<string, MoToStore>();
  for (const i of items) if (!first.has(keyOf(i))) first.set(keyOf(i), i);
  const rows = await db
    .insert(inbox)
    .values(
      [...first.values()].map((i) => {
        const status = statusOf(i);
        return {
          accountId: i.accountId,
          rawBody: i.rawBody,
          payload: asObject(i.payload),
          kind: 'mo_sms' as const,
          dedupKey: keyOf(i),
          referenceId: i.parsed.referenceId,
          subResource: 'mo_sms',
          status,
          conversationKey: conversationWorkflowId(i.accountId, i.parsed.supportNumber, i.parsed.customerNumber),
          flags: i.parsed.flags,
          ...(status === 'pending' ? { nextAttemptAt: IMMEDIATE_GRACE } : {}),
        };
      }),
    )
    .onConflictDoNothing({ target: inbox.dedupKey })
    .returning({ id: inbox.id, dedupKey: inbox.dedupKey, receivedAt: inbox.receivedAt, seq: inbox.seq });
  const stored = new Map(rows.map((r) => [r.dedupKey, r]));
  return items.map((i) => {
    const row = stored.get(keyOf(i));
    // Only the first item with a key owns the stored row; a duplicate in the same batch is a retry.
    if (!row || first.get(keyOf(i)) !== i) return { stored: false, status: null };
    const status = statusOf(i);
    return {
      stored: true,
      status,
      ...(status === 'pending' ? { handOver: toHandOver(row.id, i.accountId, i.parsed, row.receivedAt, row.seq) } : {}),
    };
  });
}

function asObject(payload: unknown): Record<string, unknown> {
  return (
    typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload : { value: payload }
  ) as Record<string, unknown>;
}

/**
 * Commits one verified callback other than an MO (those go through storeMoBatch) to the durable inbox; the 200 is
 * sent only after this resolves. DLR: applied in the same transaction that records it. Anything else: recorded as
 * ignored.
 */
export async function storeCallback(
  db: Db,
  input: { accountId: string; rawBody: string; payload: unknown; parsed: Exclude<ParsedCallback, ParsedMo> },
): Promise<StoreResult> {
  const { accountId, parsed } = input;
  const payload = asObject(input.payload);
  const base = { accountId, rawBody: input.rawBody, payload };

  if (parsed.kind === 'dlr') {
    return db.transaction(async (tx) => {
      const [row] = await tx
        .insert(inbox)
        .values({
          ...base,
          kind: 'dlr',
          dedupKey: `dlr:${accountId}:${parsed.referenceId}:${parsed.statusCode}`,
          referenceId: parsed.referenceId,
          subResource: 'sms',
          status: 'delivered',
          attempts: 1,
          deliveredAt: sql`now()`,
        })
        .onConflictDoNothing({ target: inbox.dedupKey })
        .returning({ id: inbox.id });
      if (!row) return { stored: false, status: null };
      const applied = await applyDlr(tx, accountId, parsed);
      if (applied.outcome === 'unknown') {
        await tx
          .update(inbox)
          .set({
            status: 'ignored',
            deliveredAt: null,
            lastError: 'no outbound message with this external_id or reference_id',
          })
          .where(sql`${inbox.id} = ${row.id}`);
        return { stored: true, status: 'ignored' as const };
      }
      return { stored: true, status: 'delivered' as const };
    });
  }

  const digest = createHash('sha256').update(input.rawBody).digest('hex');
  const [row] = await db
    .insert(inbox)
    .values({
      ...base,
      kind: 'other',
      dedupKey: `other:${accountId}:${digest}`,
      referenceId: parsed.referenceId,
      subResource: parsed.subResource,
      status: 'ignored',
      lastError: parsed.reason,
    })
    .onConflictDoNothing({ target: inbox.dedupKey })
    .returning({ id: inbox.id });
  return { stored: !!row, status: row ? 'ignored' : null };
}

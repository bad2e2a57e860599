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
 * Commits verified mo_sms callbacks to the inbox in one statement (one round trip, one commit), one result per item in
 * order. Status per row: held while the SMS channel is switched off, unroutable when no channel of the account serves
 * the number, else pending (to be handed to Temporal). A reference id seen before — in the table or earlier in the
 * same batch — is a TeleSign retry: acknowledged, not stored again.
 *
 * Written in SQL on postgres.js rather than drizzle's insert builder: the batch goes as one JSON parameter, so the
 * statement text is the same for every batch size and is prepared once per connection (drizzle's builder walks every
 * value of a 200-row insert and makes a new statement text per batch size), and the routing check that used to be a
 * separate query is part of the same statement.
 */
export async function storeMoBatch(db: Db, items: MoToStore[]): Promise<StoreResult[]> {
  if (items.length === 0) return [];
  const keyOf = (i: MoToStore) => `mo:${i.accountId}:${i.parsed.referenceId}`;
  const first = new Map<string, MoToStore>();
  for (const i of items) if (!first.has(keyOf(i))) first.set(keyOf(i), i);
  const unique = [...first.values()];
  // The batch as one JSON array of rows: one parameter whatever the batch size.
  const batch = JSON.stringify(
    unique.map((i) => ({
      account_id: i.accountId,
      support_number: i.parsed.supportNumber,
      raw_body: i.rawBody,
      payload: asObject(i.payload),
      dedup_key: keyOf(i),
      reference_id: i.parsed.referenceId,
      conversation_key: conversationWorkflowId(i.accountId, i.parsed.supportNumber, i.parsed.customerNumber),
      flags: i.parsed.flags,
    })),
  );
  const rows = await db.$client<
    { id: string; dedup_key: string; received_at: Date; seq: string; status: InboxStatus }[]
  >`
    with ctx as (select coalesce((select sms_enabled from settings where id = 1), true) as sms_enabled),
    input as (
      select * from rows from (
        jsonb_to_recordset(${batch}::jsonb) as (account_id uuid, support_number text, raw_body text, payload jsonb,
                                                 dedup_key text, reference_id text, conversation_key text, flags jsonb)
      ) with ordinality as t(account_id, support_number, raw_body, payload, dedup_key, reference_id, conversation_key,
                             flags, ord)),
    routed as (
      select input.*,
             (case when not ctx.sms_enabled then 'held'
                   when exists (select 1 from phone_numbers pn join sms_channels sc on sc.phone_number_id = pn.id
                                where pn.account_id = input.account_id and pn.number = input.support_number)
                     then 'pending'
                   else 'unroutable' end)::inbox_status as status
      from input, ctx)
    insert into inbox (account_id, raw_body, payload, kind, dedup_key, reference_id, sub_resource, status,
                       conversation_key, flags, next_attempt_at)
    select account_id, raw_body, payload, 'mo_sms', dedup_key, reference_id, 'mo_sms', status,
           conversation_key, flags,
           -- Grace before the relay may pick up a fresh MO, so it does not race the webhook's own immediate hand-over.
           case when status = 'pending' then now() + interval '30 seconds' else now() end
    from routed
    order by ord
    on conflict (dedup_key) do nothing
    returning id, dedup_key, received_at, seq, status`.catch((err: unknown) => {
    // Shaped as drizzle's errors are (PostgreSQL's error as the cause), which the writer's isolation relies on.
    throw new Error('storing inbound SMS failed', { cause: err });
  });
  const stored = new Map(rows.map((r) => [r.dedup_key, r]));
  return items.map((i) => {
    const row = stored.get(keyOf(i));
    // Only the first item with a key owns the stored row; a duplicate in the same batch is a retry.
    if (!row || first.get(keyOf(i)) !== i) return { stored: false, status: null };
    return {
      stored: true,
      status: row.status,
      ...(row.status === 'pending'
        ? { handOver: toHandOver(row.id, i.accountId, i.parsed, new Date(row.received_at), Number(row.seq)) }
        : {}),
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

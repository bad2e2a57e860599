import { and, eq, sql } from 'drizzle-orm';
import { classifyKeyword } from '../../domain/keywords.js';
import type { Db } from '../client.js';
import { consentEvents, consents } from '../schema/index.js';

/**
 * Consent persistence: the one place that reads and writes consents and consent_events, used by the consent activity,
 * the send path (opted-out check) and the delivery-report path (510 opt-out).
 */

/** Anything that can run drizzle queries: the pool or an open transaction. */
type Executor = Pick<Db, 'insert' | 'select' | 'execute'>;

/** Where a consent change sits in the customer's inbox order. */
export type ConsentPosition = {
  /** Inbox sequence of the STOP/START (commit order of TeleSign's callbacks); absent for admin and DLR changes. */
  inboxSeq?: number;
  /** TeleSign's submit time of the keyword, or the time of an admin/DLR change (ISO 8601). */
  at: string;
};

export type SetConsentInput = {
  supportNumber: string;
  customerNumber: string;
  optedOut: boolean;
  /** 'keyword:STOP', 'keyword:START', 'dlr:510', 'admin:{userId}', … */
  source: string;
  idempotencyKey: string;
  /**
   * TeleSign reference id of the STOP/START that asks for the change: its position is read from the inbox. Without
   * it, an idempotency key `consent:{referenceId}` (what the conversation workflow sends) names the keyword.
   */
  referenceId?: string;
  /** Explicit position; wins over the inbox lookup. Admin and DLR changes leave both out: they happen now. */
  position?: ConsentPosition;
};

export type SetConsentResult = {
  /** This call changed the consent (false: a repeat, or superseded by a newer keyword/change). */
  applied: boolean;
  /** The consent after this call: what the caller should act on. */
  optedOut: boolean;
};

/** Negative when `a` comes first. Compares inbox sequences when both have one, else the timestamps. */
export function compareConsentPositions(a: ConsentPosition, b: ConsentPosition): number {
  if (a.inboxSeq !== undefined && b.inboxSeq !== undefined) return a.inboxSeq - b.inboxSeq;
  const ta = Date.parse(a.at);
  const tb = Date.parse(b.at);
  return Number.isNaN(ta) || Number.isNaN(tb) ? 0 : ta - tb;
}

/** The STOP/START (or other) keyword an inbox payload carries, the way the workflow reads it. */
function keywordOfPayload(payload: unknown): 'stop' | 'start' | 'help' | null {
  const ur = (payload as { user_response?: { mo_message?: unknown; action?: unknown } } | null)?.user_response;
  const text = typeof ur?.mo_message === 'string' ? ur.mo_message : '';
  const action = typeof ur?.action === 'string' ? ur.action.toLowerCase() : '';
  return classifyKeyword(text) ?? (action === 'stop' || action === 'start' || action === 'help' ? action : null);
}

type InboxKeyword = { position: ConsentPosition; conversationKey: string | null };

/** Position of an MO in the inbox: its sequence and TeleSign's submit time (else when we received it). */
async function inboxPositionOf(db: Executor, referenceId: string): Promise<InboxKeyword | null> {
  const rows = await db.execute<{ seq: string; submitted: string | null; received_at: string; ckey: string | null }>(
    sql`select seq::text, payload->>'submit_timestamp' as submitted, received_at::text, conversation_key as ckey
        from inbox where dedup_key = ${`mo:${referenceId}`}`,
  );
  const row = rows[0];
  if (!row) return null;
  const submitted = row.submitted ? Date.parse(row.submitted) : Number.NaN;
  const at = Number.isNaN(submitted) ? new Date(row.received_at) : new Date(submitted);
  return { position: { inboxSeq: Number(row.seq), at: at.toISOString() }, conversationKey: row.ckey };
}

/**
 * True when the customer sent a STOP or START after the keyword at `seq` (in inbox order). A keyword that changed
 * nothing (START while opted in) is not in the consent record, but it still states the customer's latest wish.
 */
async function newerKeywordInInbox(db: Executor, conversationKey: string, seq: number): Promise<boolean> {
  const rows = await db.execute<{ payload: unknown }>(
    sql`select payload from inbox
        where conversation_key = ${conversationKey} and kind = 'mo_sms' and seq > ${seq} and payload is not null
        order by seq`,
  );
  return rows.some((r) => {
    const k = keywordOfPayload(r.payload);
    return k === 'stop' || k === 'start';
  });
}

/**
 * Records a consent change: appends consent_events once per idempotency key and moves the current state in
 * consents, unless the change is older (in the customer's inbox order) than the one that set the current state, or
 * the customer sent a newer STOP/START. Such a change is recorded with `applied = false`. A repeated key changes
 * nothing, so activity retries and re-delivered DLRs are harmless. Ordering holds across workflow runs, because the
 * position lives here and not in one run's memory.
 */
export async function setConsentIn(db: Executor, input: SetConsentInput): Promise<SetConsentResult> {
  const [current] = await db
    .select()
    .from(consents)
    .where(and(eq(consents.supportNumber, input.supportNumber), eq(consents.customerNumber, input.customerNumber)))
    .for('update')
    .limit(1);
  const referenceId =
    input.referenceId ?? (input.idempotencyKey.startsWith('consent:') ? input.idempotencyKey.slice(8) : undefined);
  const keyword = !input.position && referenceId ? await inboxPositionOf(db, referenceId) : null;
  const position: ConsentPosition = input.position ?? keyword?.position ?? { at: new Date().toISOString() };

  let superseded = false;
  if (current?.fromAt) {
    const setBy: ConsentPosition = {
      at: current.fromAt.toISOString(),
      ...(current.fromInboxSeq !== null ? { inboxSeq: current.fromInboxSeq } : {}),
    };
    superseded = compareConsentPositions(position, setBy) < 0;
  }
  if (!superseded && keyword?.conversationKey && position.inboxSeq !== undefined) {
    superseded = await newerKeywordInInbox(db, keyword.conversationKey, position.inboxSeq);
  }

  const inserted = await db
    .insert(consentEvents)
    .values({
      supportNumber: input.supportNumber,
      customerNumber: input.customerNumber,
      optedOut: input.optedOut,
      source: input.source,
      idempotencyKey: input.idempotencyKey,
      applied: !superseded,
    })
    .onConflictDoNothing({ target: consentEvents.idempotencyKey })
    .returning({ id: consentEvents.id });
  const before = current?.optedOut ?? false;
  if (!inserted.length || superseded) return { applied: false, optedOut: before };
  const from = { fromInboxSeq: position.inboxSeq ?? null, fromAt: new Date(position.at) };
  await db
    .insert(consents)
    .values({
      supportNumber: input.supportNumber,
      customerNumber: input.customerNumber,
      optedOut: input.optedOut,
      source: input.source,
      ...from,
    })
    .onConflictDoUpdate({
      target: [consents.supportNumber, consents.customerNumber],
      set: { optedOut: input.optedOut, source: input.source, changedAt: sql`now()`, ...from },
    });
  return { applied: true, optedOut: input.optedOut };
}

export async function isOptedOut(
  db: Pick<Db, 'select'>,
  supportNumber: string,
  customerNumber: string,
): Promise<boolean> {
  const [row] = await db
    .select({ optedOut: consents.optedOut })
    .from(consents)
    .where(and(eq(consents.supportNumber, supportNumber), eq(consents.customerNumber, customerNumber)))
    .limit(1);
  return row?.optedOut ?? false;
}

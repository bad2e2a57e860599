import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { consentEvents, consents } from '../schema/index.js';

/**
 * Consent persistence: the one place that reads and writes consents and consent_events, used by the consent activity,
 * the send path (opted-out check) and the delivery-report path (510 opt-out).
 */

/** Anything that can run drizzle queries: the pool or an open transaction. */
type Executor = Pick<Db, 'insert' | 'select'>;

export type SetConsentInput = {
  supportNumber: string;
  customerNumber: string;
  optedOut: boolean;
  /** 'keyword:STOP', 'keyword:START', 'dlr:510', 'admin:{userId}', … */
  source: string;
  idempotencyKey: string;
};

/**
 * Records a consent change: appends consent_events once per idempotency key and moves the current state in
 * consents. A repeated key changes nothing, so activity retries and re-delivered DLRs are harmless.
 */
export async function setConsentIn(db: Executor, input: SetConsentInput): Promise<{ applied: boolean }> {
  const inserted = await db
    .insert(consentEvents)
    .values({
      supportNumber: input.supportNumber,
      customerNumber: input.customerNumber,
      optedOut: input.optedOut,
      source: input.source,
      idempotencyKey: input.idempotencyKey,
    })
    .onConflictDoNothing({ target: consentEvents.idempotencyKey })
    .returning({ id: consentEvents.id });
  if (!inserted.length) return { applied: false };
  await db
    .insert(consents)
    .values({
      supportNumber: input.supportNumber,
      customerNumber: input.customerNumber,
      optedOut: input.optedOut,
      source: input.source,
    })
    .onConflictDoUpdate({
      target: [consents.supportNumber, consents.customerNumber],
      set: { optedOut: input.optedOut, source: input.source, changedAt: sql`now()` },
    });
  return { applied: true };
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

import type { Db, DbHandle } from '../../db/client.js';
import { createGroupCommit, ItemFailure } from '../../lib/group-commit.js';
import type { ParsedCallback } from './parse-callback.js';
import { type MoToStore, type StoreResult, storeCallback, storeMoBatch } from './store-callback.js';

/**
 * The webhook's way into the durable inbox. Customer SMS are group-committed: callbacks that arrive while a commit is
 * in flight share the next one, so under load the inbox pays one fsync per batch instead of one per SMS, and a
 * quiet system still writes each SMS at once. Delivery reports and other callbacks keep their own transaction.
 */
export function createInboxWriter(
  db: Db,
  opts: {
    maxBatch?: number;
    maxInFlight?: number;
    maxQueued?: number;
    /** Deadline of one batch write; keep it below the webhook's own answer deadline. */
    flushTimeoutMs?: number;
    /**
     * Opens the writer's own small pool. With it, a batch that misses its deadline (a connection that hangs without
     * closing) drops that pool — its sockets are destroyed, so hung statements fail instead of holding connections
     * forever — and later batches run on a fresh one. Without it, `db` is used and only the deadline applies.
     */
    connect?: () => DbHandle;
    onRecover?: (err: Error) => void;
  } = {},
) {
  let own = opts.connect?.();
  const current = () => own?.db ?? db;
  const recover = () => {
    if (!opts.connect) return;
    const old = own;
    own = opts.connect();
    opts.onRecover?.(new Error('inbox write missed its deadline; reconnected'));
    void old?.sql.end({ timeout: 0 }).catch(() => {});
  };
  const mos = createGroupCommit((items: MoToStore[]) => storeMosIsolatingFailures(current(), items), {
    maxBatch: opts.maxBatch ?? 200,
    maxInFlight: opts.maxInFlight ?? 2,
    // Beyond this the webhook answers 503 at once (TeleSign retries) instead of holding callbacks in memory while
    // PostgreSQL does not answer: 10 s of 1,000 callbacks/s.
    maxQueued: opts.maxQueued ?? 10_000,
    flushTimeoutMs: opts.flushTimeoutMs ?? 2500,
    onTimeout: recover,
  });
  return {
    store(input: {
      accountId: string;
      rawBody: string;
      payload: unknown;
      parsed: ParsedCallback;
    }): Promise<StoreResult> {
      const { parsed } = input;
      if (parsed.kind === 'mo_sms') return mos.add({ ...input, parsed });
      return storeCallback(current(), { ...input, parsed });
    },
    /** Closes the writer's own pool, if it has one. */
    close: () => own?.sql.end({ timeout: 5 }),
  };
}

/**
 * One statement for the batch; if PostgreSQL rejects it (a row it will not take, not a lost connection), each SMS is
 * retried alone so one bad row cannot fail its neighbours' callbacks.
 */
async function storeMosIsolatingFailures(db: Db, items: MoToStore[]): Promise<(StoreResult | ItemFailure)[]> {
  try {
    return await storeMoBatch(db, items);
  } catch (err) {
    if (items.length === 1 || !rejectedByPostgres(err)) throw err;
    const results: (StoreResult | ItemFailure)[] = [];
    for (const item of items) {
      results.push(
        await storeMoBatch(db, [item]).then(
          ([r]) => r as StoreResult,
          (e: unknown) => new ItemFailure(e),
        ),
      );
    }
    return results;
  }
}

/**
 * True when PostgreSQL answered and refused the statement (drizzle wraps postgres.js' PostgresError as the cause);
 * false for lost connections, shutdowns and resource errors (SQLSTATE classes 08, 57, 53), where retrying each row
 * alone would only multiply the waiting.
 */
function rejectedByPostgres(err: unknown): boolean {
  for (let e = err as { name?: string; code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.name === 'PostgresError') return !/^(08|57|53)/.test(e.code ?? '');
  }
  return false;
}

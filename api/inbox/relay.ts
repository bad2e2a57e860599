import type { Client } from '@temporalio/client';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Config } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import { inbox } from '../../db/schema/index.js';
import { withDeadline } from '../../lib/deadline.js';
import type { Logger } from '../../lib/logger.js';
import { metrics } from '../../lib/metrics.js';
import { conversationWorkflowId } from '../../temporal/ids.js';
import { type HandedOver, handOverMo, type MoHandOver } from './hand-over.js';
import { parseCallback } from './parse-callback.js';
import { toHandOver } from './store-callback.js';

export type RelayDeps = {
  db: Db;
  temporal: Client;
  logger: Logger;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'INBOX_RELAY_INTERVAL_MS'>;
};

/** How long one signalWithStart may take before we call Temporal unreachable. */
const HAND_OVER_TIMEOUT_MS = 5000;
/** Conversations handed over at once by one relay pass. */
const RELAY_CONCURRENCY = 16;
/** A claimed batch is invisible to other replicas for this long (longer than a batch can take). */
const LEASE = sql`interval '60 seconds'`;
/** Shorter than the lease, so a pass given up on cannot overlap a later claim of the same rows for long. */
const PASS_DEADLINE_MS = 30_000;

/**
 * One hand-over attempt with bookkeeping. On failure the row stays pending with exponential backoff (1 s … 60 s,
 * jittered) for the relay. Never throws.
 */
export async function attemptHandOver(
  deps: Omit<RelayDeps, 'config'> & { config: Pick<Config, 'TEMPORAL_TASK_QUEUE'> },
  mo: MoHandOver,
  path: 'immediate' | 'relay',
  mark?: (item: HandedOver) => Promise<void>,
): Promise<boolean> {
  try {
    await deps.temporal.connection.withDeadline(Date.now() + HAND_OVER_TIMEOUT_MS, () => handOverMo(deps, mo, mark));
    metrics.inboxHandOvers.inc({ path, outcome: 'delivered' });
    return true;
  } catch (err) {
    metrics.inboxHandOvers.inc({ path, outcome: 'failed' });
    deps.logger.warn({ err, inboxId: mo.inboxId, path }, 'hand-over to Temporal failed; the inbox relay will retry');
    await deps.db
      .update(inbox)
      .set({
        attempts: sql`${inbox.attempts} + 1`,
        lastError: String((err as Error)?.message ?? err).slice(0, 500),
        nextAttemptAt: sql`now() + least(60, power(2, ${inbox.attempts})) * (0.75 + random() * 0.5) * interval '1 second'`,
      })
      .where(and(eq(inbox.id, mo.inboxId), eq(inbox.status, 'pending')))
      .catch((e) => deps.logger.error({ err: e, inboxId: mo.inboxId }, 'could not record the failed hand-over'));
    return false;
  }
}

/**
 * The inbox relay: hands pending inbound SMS to Temporal until delivered. Safe with several API replicas: a batch is
 * claimed with FOR UPDATE SKIP LOCKED and leased by moving next_attempt_at, so no two replicas work on one row; a
 * hand-over that is repeated anyway (crash after signalling) is deduped by the workflow and the unique
 * messages.provider_reference_id. Rows go in arrival order; the first failure ends the batch (Temporal is down).
 */
export function startInboxRelay(deps: RelayDeps, opts: { intervalMs?: number; batchSize?: number } = {}) {
  const intervalMs = opts.intervalMs ?? deps.config.INBOX_RELAY_INTERVAL_MS;
  const batchSize = opts.batchSize ?? 50;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function runOnce(): Promise<number> {
    const rows = await deps.db.execute<{
      id: string;
      account_id: string;
      payload: unknown;
      received_at: string | Date;
    }>(sql`
      update inbox set next_attempt_at = now() + ${LEASE}
      where id in (
        select id from inbox
        where status = 'pending' and kind = 'mo_sms' and next_attempt_at <= now()
        order by received_at, id
        limit ${batchSize}
        for update skip locked)
      returning id, account_id, payload, received_at`);
    const batch = [...rows].sort((a, b) => +new Date(a.received_at) - +new Date(b.received_at));
    // Hand-overs are one Temporal round trip each; done one by one the relay drained only a few per second after an
    // outage (bench/fault suite). Different conversations go concurrently, one conversation's SMS stay in order.
    const lanes = new Map<string, typeof batch>();
    for (const row of batch) {
      const parsed = parseCallback(row.payload);
      const key =
        parsed.kind === 'mo_sms'
          ? conversationWorkflowId(row.account_id, parsed.supportNumber, parsed.customerNumber)
          : row.id;
      lanes.set(key, [...(lanes.get(key) ?? []), row]);
    }
    let delivered = 0;
    let failed = false;
    const untried: string[] = [];
    const runLane = async (lane: typeof batch) => {
      for (const row of lane) {
        if (failed) {
          untried.push(row.id);
          continue;
        }
        const parsed = parseCallback(row.payload);
        if (parsed.kind !== 'mo_sms') {
          await deps.db
            .update(inbox)
            .set({ status: 'ignored', lastError: 'stored payload is not a usable mo_sms' })
            .where(eq(inbox.id, row.id));
          continue;
        }
        const ok = await attemptHandOver(
          deps,
          toHandOver(row.id, row.account_id, parsed, new Date(row.received_at)),
          'relay',
        );
        if (ok) delivered++;
        else failed = true; // Temporal is down: stop starting hand-overs, the rest waits.
      }
    };
    const queue = [...lanes.values()];
    await Promise.all(
      Array.from({ length: Math.min(RELAY_CONCURRENCY, queue.length) }, async () => {
        for (let lane = queue.shift(); lane; lane = queue.shift()) await runLane(lane);
      }),
    );
    if (untried.length) {
      await deps.db
        .update(inbox)
        .set({ nextAttemptAt: sql`now() + interval '1 second'` })
        .where(and(inArray(inbox.id, untried), eq(inbox.status, 'pending')));
    }
    return delivered;
  }

  const tick = async () => {
    if (stopped) return;
    // A query stuck on a connection that died mid-outage must not freeze the relay: give up on the pass and retry.
    running = withDeadline(runOnce(), PASS_DEADLINE_MS, `relay pass took over ${PASS_DEADLINE_MS} ms`).catch((err) => {
      deps.logger.warn({ err }, 'inbox relay pass failed');
      return 0;
    });
    const n = await running;
    running = undefined;
    // A full batch means more is waiting: go again at once.
    if (!stopped) timer = setTimeout(tick, n >= batchSize ? 0 : intervalMs);
  };
  timer = setTimeout(tick, 0);

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

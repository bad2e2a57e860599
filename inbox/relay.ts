import { sql } from 'drizzle-orm';
import type { Config } from '../config/env.js';
import { withDeadline } from '../lib/deadline.js';
import { createKeyedQueue } from '../lib/keyed-queue.js';
import { backfillConversationKeys, drainConversation } from './hand-over/conversation-lane.js';
import type { HandOverDeps } from './hand-over/hand-over.js';
import { sweepUnrecorded } from './sweeper.js';

export type RelayDeps = HandOverDeps & {
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'INBOX_RELAY_INTERVAL_MS' | 'INBOX_SWEEP_AFTER_SECONDS'>;
};

/** Conversations drained at once by one relay pass. */
const RELAY_CONCURRENCY = 16;
/** A query stuck on a connection that died mid-outage must not freeze the relay: give up on the pass and retry. */
const PASS_DEADLINE_MS = 30_000;

/**
 * The inbox relay: hands pending inbound SMS to Temporal until delivered, on every API replica. A pass picks the
 * conversations whose oldest pending MO is due (its immediate grace or retry backoff is over) and drains each through
 * its lane (conversation-lane.ts), so one conversation's SMS go strictly in inbox order whichever replica or path hands
 * them over. A hand-over that is repeated anyway (crash after signalling) is deduped by the workflow and the unique
 * messages.provider_reference_id. Now and then it also runs the sweeper (sweeper.ts).
 */
export function startInboxRelay(deps: RelayDeps, opts: { intervalMs?: number; batchSize?: number } = {}) {
  const intervalMs = opts.intervalMs ?? deps.config.INBOX_RELAY_INTERVAL_MS;
  const batchSize = opts.batchSize ?? 50;
  const sweepEveryMs = Math.max(1000, Math.min(10_000, (deps.config.INBOX_SWEEP_AFTER_SECONDS * 1000) / 4));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let lastSweep = 0;

  /** One pass; `more` when a full batch was picked (more may be waiting). */
  async function runOnce(): Promise<{ delivered: number; more: boolean }> {
    await backfillConversationKeys(deps);
    const due = await deps.db.execute<{ conversation_key: string }>(sql`
      select conversation_key from (
        select distinct on (conversation_key) conversation_key, seq, next_attempt_at
        from inbox
        where status = 'pending' and conversation_key is not null
        order by conversation_key, seq) heads
      where next_attempt_at <= now()
      order by seq
      limit ${batchSize}`);
    const picked = due.length;
    let delivered = 0;
    let failed = false;
    // Hand-overs are one Temporal round trip each: different conversations go concurrently, each in its own order.
    const lanes = createKeyedQueue({
      concurrency: RELAY_CONCURRENCY,
      run: async (key) => {
        if (failed) return; // Temporal is down: the rest waits for the next pass.
        const r = await drainConversation(deps, key, 'relay');
        delivered += r.delivered;
        if (r.state === 'failed') failed = true;
      },
    });
    await Promise.all(due.map((r) => lanes.push(r.conversation_key)));
    return { delivered, more: picked >= batchSize && !failed };
  }

  const tick = async () => {
    if (stopped) return;
    const pass = withDeadline(runOnce(), PASS_DEADLINE_MS, `relay pass took over ${PASS_DEADLINE_MS} ms`).catch(
      (err) => {
        deps.logger.warn({ err }, 'inbox relay pass failed');
        return { delivered: 0, more: false };
      },
    );
    running = pass;
    // A full batch means more is waiting: go again at once.
    let { more } = await pass;
    if (!stopped && Date.now() - lastSweep >= sweepEveryMs) {
      lastSweep = Date.now();
      const sweep = withDeadline(sweepUnrecorded(deps), PASS_DEADLINE_MS, 'inbox sweep timed out').then(
        (swept) => swept.length,
        (err) => {
          deps.logger.warn({ err }, 'inbox sweep failed');
          return 0;
        },
      );
      running = sweep;
      if ((await sweep) > 0) more = true; // re-pended rows: hand them over at once
    }
    running = undefined;
    if (!stopped) timer = setTimeout(tick, more ? 0 : intervalMs);
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

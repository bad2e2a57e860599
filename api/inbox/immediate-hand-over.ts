import type { Client } from '@temporalio/client';
import type { Config } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import { createGroupCommit } from '../../lib/group-commit.js';
import type { Logger } from '../../lib/logger.js';
import { metrics } from '../../lib/metrics.js';
import { conversationWorkflowId } from '../../temporal/ids.js';
import { type HandedOver, type MoHandOver, markHandedOver } from './hand-over.js';
import { attemptHandOver } from './relay.js';

export type ImmediateHandOverDeps = {
  db: Db;
  temporal: Client;
  logger: Logger;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>;
};

/**
 * Hands freshly stored MOs to Temporal right after the webhook answered, without letting a burst open one gRPC call
 * per callback: at most `concurrency` signalWithStart calls run at once (an unbounded burst of 10,000 took the API
 * to 577 MiB in bench:scale), one conversation's SMS go strictly in arrival order, and the "handed over" marks are
 * group-committed. Beyond `maxWaiting` queued MOs, new ones are left to the inbox relay, which picks them up after
 * their grace period: the inbox already holds them durably, so shedding here costs latency, never a message.
 */
export function createImmediateHandOver(
  deps: ImmediateHandOverDeps,
  opts: { concurrency?: number; maxWaiting?: number } = {},
) {
  const concurrency = opts.concurrency ?? 32;
  const maxWaiting = opts.maxWaiting ?? 2000;
  const marks = createGroupCommit(
    async (items: HandedOver[]) => {
      await markHandedOver(deps.db, items);
      return items.map(() => undefined);
    },
    { maxBatch: 500, maxInFlight: 1 },
  );
  const mark = (item: HandedOver) => marks.add(item);

  let running = 0;
  const slots: (() => void)[] = [];
  const acquire = (): Promise<void> => {
    if (running >= concurrency) return new Promise((r) => slots.push(r));
    running++;
    return Promise.resolve();
  };
  const release = () => {
    const next = slots.shift();
    if (next) next();
    else running--;
  };

  /** Tail of each conversation's chain: the next MO of that conversation starts after it. */
  const lanes = new Map<string, Promise<void>>();
  let waiting = 0;

  return {
    /** Queues the hand-over; never throws (a failure is recorded on the row for the relay). */
    submit(mo: MoHandOver): void {
      if (waiting >= maxWaiting) {
        metrics.inboxHandOvers.inc({ path: 'immediate', outcome: 'deferred' });
        return;
      }
      waiting++;
      const key = conversationWorkflowId(mo.accountId, mo.supportNumber, mo.customerNumber);
      const tail: Promise<void> = (lanes.get(key) ?? Promise.resolve())
        .then(acquire)
        .then(() => attemptHandOver(deps, mo, 'immediate', mark).finally(release))
        .then(
          () => undefined,
          (err) => deps.logger.error({ err, inboxId: mo.inboxId }, 'immediate hand-over crashed'),
        )
        .finally(() => {
          waiting--;
          if (lanes.get(key) === tail) lanes.delete(key);
        });
      lanes.set(key, tail);
    },
    /** MOs queued or in flight. */
    get waiting() {
      return waiting;
    },
    /** Resolves when everything submitted so far has been attempted and marked. */
    async drain(): Promise<void> {
      while (lanes.size > 0) await Promise.all([...lanes.values()]);
      await marks.drain();
    },
  };
}

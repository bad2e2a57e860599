import { metrics } from '../../lib/metrics.js';
import { conversationWorkflowId } from '../../temporal/ids.js';
import { drainConversation } from './conversation-lane.js';
import type { HandOverDeps, MoHandOver } from './hand-over.js';

export type ImmediateHandOverDeps = HandOverDeps;

/**
 * Hands freshly stored MOs to Temporal right after the webhook answered, without letting a burst open one gRPC call
 * per callback: at most `concurrency` conversations are drained at once (an unbounded burst of 10,000 took the API to
 * 577 MiB in bench:scale). Each conversation goes through its lane (conversation-lane.ts): strictly in inbox order,
 * also against the relay and other replicas. MOs of a conversation already being drained here just ask for one more
 * pass. Beyond `maxWaiting` queued MOs, new ones are left to the inbox relay, which picks them up after their grace
 * period: the inbox already holds them durably, so shedding here costs latency, never a message.
 */
export function createImmediateHandOver(
  deps: ImmediateHandOverDeps,
  opts: { concurrency?: number; maxWaiting?: number } = {},
) {
  const concurrency = opts.concurrency ?? 32;
  const maxWaiting = opts.maxWaiting ?? 2000;

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

  /** Per conversation: MOs submitted and not yet covered by a finished pass, and whether another pass is due. */
  const lanes = new Map<string, { submitted: number; again: boolean; done: Promise<void> }>();
  let waiting = 0;

  async function run(key: string) {
    const lane = lanes.get(key)!;
    try {
      do {
        lane.again = false;
        const covered = lane.submitted;
        await acquire();
        try {
          await drainConversation(deps, key, 'immediate');
        } catch (err) {
          deps.logger.warn({ err, conversationKey: key }, 'immediate hand-over failed; the inbox relay will retry');
        } finally {
          release();
          // Every MO submitted before this pass began was committed before it, so the pass (or the lane's holder) saw it.
          lane.submitted -= covered;
          waiting -= covered;
        }
      } while (lane.again);
    } finally {
      lanes.delete(key);
    }
  }

  return {
    /** Queues the hand-over; never throws (a failure stays on the row for the relay). */
    submit(mo: MoHandOver): void {
      if (waiting >= maxWaiting) {
        metrics.inboxHandOvers.inc({ path: 'immediate', outcome: 'deferred' });
        return;
      }
      waiting++;
      const key = conversationWorkflowId(mo.accountId, mo.supportNumber, mo.customerNumber);
      const lane = lanes.get(key);
      if (lane) {
        lane.submitted++;
        lane.again = true;
        return;
      }
      const fresh = { submitted: 1, again: false, done: Promise.resolve() };
      lanes.set(key, fresh);
      fresh.done = run(key);
    },
    /** MOs queued or in flight. */
    get waiting() {
      return waiting;
    },
    /** Resolves when everything submitted so far has been attempted and marked. */
    async drain(): Promise<void> {
      while (lanes.size > 0) await Promise.all([...lanes.values()].map((l) => l.done));
    },
  };
}

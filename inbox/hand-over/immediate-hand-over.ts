import { createKeyedQueue } from '../../lib/keyed-queue.js';
import { metrics } from '../../lib/metrics.js';
import { conversationWorkflowId } from '../../temporal/ids.js';
import { drainConversation } from './conversation-lane.js';
import type { HandOverDeps, MoHandOver } from './hand-over.js';

export type ImmediateHandOverDeps = HandOverDeps;

/**
 * Hands freshly stored MOs to Temporal right after the webhook answered, without letting a burst open one gRPC call
 * per callback: at most `concurrency` conversations are drained at once, through the keyed queue both hand-over paths
 * share (lib/keyed-queue.ts; an unbounded burst of 10,000 took the API to 577 MiB in bench:scale). Each conversation goes through its lane (conversation-lane.ts): strictly in inbox order,
 * also against the relay and other replicas. MOs of a conversation already being drained here just ask for one more
 * pass. Beyond `maxWaiting` queued MOs, new ones are left to the inbox relay, which picks them up after their grace
 * period: the inbox already holds them durably, so shedding here costs latency, never a message.
 */
export function createImmediateHandOver(
  deps: ImmediateHandOverDeps,
  opts: { concurrency?: number; maxWaiting?: number } = {},
) {
  const queue = createKeyedQueue({
    concurrency: opts.concurrency ?? 32,
    maxWaiting: opts.maxWaiting ?? 2000,
    run: async (key) => {
      try {
        await drainConversation(deps, key, 'immediate');
      } catch (err) {
        deps.logger.warn({ err, conversationKey: key }, 'immediate hand-over failed; the inbox relay will retry');
      }
    },
  });

  return {
    /** Queues the hand-over; never throws (a failure stays on the row for the relay). */
    submit(mo: MoHandOver): void {
      const key = conversationWorkflowId(mo.accountId, mo.supportNumber, mo.customerNumber);
      if (!queue.push(key)) metrics.inboxHandOvers.inc({ path: 'immediate', outcome: 'deferred' });
    },
    /** MOs queued or in flight. */
    get waiting() {
      return queue.waiting;
    },
    /** Resolves when everything submitted so far has been attempted and marked. */
    drain: () => queue.drain(),
  };
}

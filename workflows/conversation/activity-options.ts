import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { FailureTypes } from '../definitions.js';

/** The activity proxies a conversation uses, each with the timeouts and retry policy of its kind of I/O. */

// Read-model and routing activities: retried until Postgres answers.
export const remoteDb = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
/**
 * The same short Postgres calls as local activities: they run inside the workflow task, so each costs one marker
 * event instead of a schedule → task → completion round trip through the server (the largest share of the CPU a
 * conversation costs, docs/performance.md). Past the threshold, retries back off on durable timers.
 */
export const localDb = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
export type DbActivities = typeof remoteDb;

// TeleSign sends: bounded retries with backoff; final TeleSign errors and opt-outs are not retried.
export const sms = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 6,
    nonRetryableErrorTypes: [FailureTypes.FinalSendError, FailureTypes.OptedOut, FailureTypes.Invalid],
  },
});

const bots = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 3 } });
/**
 * A webhook bot's turn is bounded by its own answer deadline plus a margin (at most 30 s): a bot that hangs is
 * given up on, and the conversation escalated, within seconds rather than minutes.
 */
export const botsWithin = (timeoutMs: number | undefined) =>
  timeoutMs === undefined
    ? bots
    : proxyActivities<Activities>({
        startToCloseTimeout: Math.min(Math.max(timeoutMs, 1000) + 3000, 30_000),
        retry: { maximumAttempts: 3 },
      });

/** Inbound media fetches (a remote download into storage): a few attempts with backoff, each bounded. */
export const mediaFetch = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

import { callbackHeaders } from '../signature.js';

/**
 * Delivers a signed callback the way TeleSign's Transaction Callback Service does (docs/domain.md, "Callbacks"): JSON POST,
 * a per-attempt timeout, retries after any non-200 with growing waits, then gives up.
 */

export type CallbackAttempt = { at: string; httpStatus: number | null; error?: string };

export type CallbackRecord = {
  id: number;
  customerId: string;
  url: string;
  kind: 'dlr' | 'mo_sms';
  referenceId: string;
  statusCode: number;
  body: string;
  attempts: CallbackAttempt[];
  outcome: 'pending' | 'delivered' | 'failed';
};

export type RetryPolicy = { timeoutMs: number; delaysMs: number[] };

export async function deliverCallback(
  rec: CallbackRecord,
  apiKey: string,
  policy: RetryPolicy,
  isStopped: () => boolean,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (isStopped()) return;
    const at = new Date().toISOString();
    try {
      const res = await fetch(rec.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...callbackHeaders(rec.customerId, apiKey, rec.body) },
        body: rec.body,
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      rec.attempts.push({ at, httpStatus: res.status });
      if (res.status === 200) {
        rec.outcome = 'delivered';
        return;
      }
    } catch (err) {
      rec.attempts.push({ at, httpStatus: null, error: (err as Error).message });
    }
    const wait = policy.delaysMs[attempt];
    if (wait === undefined) {
      rec.outcome = 'failed';
      return;
    }
    await new Promise((r) => setTimeout(r, wait));
  }
}

import type { Context, MiddlewareHandler } from 'hono';
import { metrics } from '../../lib/metrics.js';

export type WebhookKind = 'mo_sms' | 'dlr' | 'other' | 'unknown';

/** The callback kind each webhook request reported (keyed by its Context, so nothing outlives the request). */
const kinds = new WeakMap<Context, WebhookKind>();

/** Called by the webhook route once it knows what the callback is; unreported requests count as `unknown`. */
export function noteWebhookKind(c: Context, kind: WebhookKind): void {
  kinds.set(c, kind);
}

const KINDS: Record<string, WebhookKind> = { mo_sms: 'mo_sms', sms: 'dlr' };

/**
 * The kind from a body that was not parsed (a refused signature): its sub_resource, found by a regex rather than
 * JSON.parse on unauthenticated input.
 */
export function kindOfUnparsedBody(text: string): WebhookKind {
  const m = /"sub_resource"\s*:\s*"([a-z_]+)"/.exec(text);
  if (!m) return 'unknown';
  return KINDS[m[1]!] ?? 'other';
}

/**
 * Records smsdesk_webhook_ack_seconds for every /webhooks/* request: the time until our answer is ready, which is
 * what TeleSign waits for. Mounted before the webhook routes so it also times 401/404/413 answers.
 */
export function webhookTiming(): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    await next();
    const seconds = (performance.now() - start) / 1000;
    metrics.webhookAckSeconds.observe({ status: String(c.res.status), kind: kinds.get(c) ?? 'unknown' }, seconds);
  };
}

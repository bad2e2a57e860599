import type { MiddlewareHandler } from 'hono';
import { metrics } from '../../lib/metrics.js';

const KINDS: Record<string, string> = { mo_sms: 'mo_sms', sms: 'dlr' };

/**
 * The callback kind, from the body text the handler already buffered (Hono caches it as a promise in bodyCache).
 * Never reads the stream itself, so body limits and signature checks stay the handler's business.
 */
async function kindOf(cache: { text?: unknown; arrayBuffer?: unknown } | undefined): Promise<string> {
  const cached = cache?.text ?? cache?.arrayBuffer;
  if (!cached || typeof (cached as Promise<unknown>).then !== 'function') return 'unknown';
  const body = await (cached as Promise<unknown>).catch(() => undefined);
  const text = body instanceof ArrayBuffer ? new TextDecoder().decode(body) : body;
  if (typeof text !== 'string') return 'unknown';
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
    const start = process.hrtime.bigint();
    await next();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cache = (c.req as unknown as { bodyCache?: { text?: unknown; arrayBuffer?: unknown } }).bodyCache;
    metrics.webhookAckSeconds.observe({ status: String(c.res.status), kind: await kindOf(cache) }, seconds);
  };
}

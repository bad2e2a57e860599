import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../lib/logger.js';
import type { AppEnv } from '../deps.js';

// Probes and scrapes would drown the log; they are logged at debug.
const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One JSON line per request with the X-Request-Id (hono requestId), so a caller's report or a 500's problem body
 * leads to the exact log lines. Logs method, path, status and duration only: never headers or bodies.
 */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now();
    await next();
    const entry = {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - start) * 10) / 10,
    };
    // Accepted TeleSign callbacks arrive at SMS volume (the inbox and smsdesk_webhook_ack_seconds account for each);
    // at info they would be most of the log and, at 1,000/s, a measurable share of the API's CPU.
    const acceptedCallback = c.res.status < 300 && c.req.path.startsWith('/webhooks/');
    if (QUIET.has(c.req.path) || acceptedCallback) logger.debug(entry, 'request');
    else if (c.res.status >= 500) logger.warn(entry, 'request');
    else logger.info(entry, 'request');
  };
}

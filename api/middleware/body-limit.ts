import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ProblemError } from '../../lib/problem.js';

/**
 * Request body limits, one table for the whole app. hono/body-limit refuses a Content-Length over the limit before
 * reading anything, and stops a chunked body as soon as it passes the limit, so no request can make the process hold
 * more than its route's limit. The TeleSign webhook has its own (WEBHOOK_MAX_BODY_BYTES) in its route.
 */
export const BODY_LIMITS = {
  /** The public sign-in and sign-out forms: a token and two short fields. */
  signIn: 4 * 1024,
  /** Agent actions: a reply or note is at most 1,600 characters (≤ 4 bytes each in UTF-8), plus JSON. */
  agentAction: 16 * 1024,
  /** Setup and everything else under /api/v1 (routing rules with many conditions, automated messages). */
  api: 64 * 1024,
  /** Anything else (pages, docs, health): no route takes a body, a little slack for clients that send one. */
  other: 4 * 1024,
} as const;
export type BodyLimitName = keyof typeof BODY_LIMITS;

const UPLOAD_PATH = /^\/api\/v1\/(conversations\/[^/]+\/attachments|public\/uploads\/[^/]+)$/;

/** Which limit a path gets; the webhook returns null (its route applies its own). */
export function bodyLimitNameFor(path: string): BodyLimitName | null {
  if (path.startsWith('/webhooks/')) return null;
  // File uploads stream through their own limit (ATTACHMENT_MAX_BYTES, api/resources/attachments/receive-file.ts).
  if (UPLOAD_PATH.test(path)) return null;
  if (path === '/app/login' || path === '/app/logout') return 'signIn';
  if (/^\/api\/v1\/conversations\/[^/]+\/[^/]+$/.test(path)) return 'agentAction';
  if (path.startsWith('/api/v1/')) return 'api';
  return 'other';
}

const tooLarge = (maxSize: number) => () => {
  throw new ProblemError(413, `the request body is larger than ${maxSize} bytes, the limit for this route`, [
    { path: '(body)', message: `must be at most ${maxSize} bytes` },
  ]);
};

const limiters = Object.fromEntries(
  Object.entries(BODY_LIMITS).map(([name, maxSize]) => [name, bodyLimit({ maxSize, onError: tooLarge(maxSize) })]),
) as Record<BodyLimitName, MiddlewareHandler>;

/** The limit named, for a single route. */
export const bodyLimitFor = (name: BodyLimitName): MiddlewareHandler => limiters[name];

/** App-wide: every route but the webhook gets the limit its path calls for. */
export function bodyLimits(): MiddlewareHandler {
  return async (c: Context, next) => {
    const name = bodyLimitNameFor(c.req.path);
    if (!name) return next();
    return limiters[name](c, next);
  };
}

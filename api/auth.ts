import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Config } from '../config/env.js';
import { browserSessions, users } from '../db/schema/index.js';
import { ProblemError } from '../lib/problem.js';
import { sessionCookieOf } from './auth/session-slots.js';
import type { ApiDeps, AppEnv, AuthUser } from './deps.js';
import { countApiRequest, recordAuthFailure } from './middleware/rate-limit.js';

export const ROLES = ['agent', 'supervisor', 'admin'] as const satisfies readonly AuthUser['role'][];

/** Name of the browser session cookie set by POST /app/login (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'smsdesk_session';
/** A browser session lasts one working day; signing in again is cheap (paste the token). */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;
/**
 * Cookie-authenticated writes must carry this header. Cross-site forms cannot set custom headers and a cross-origin
 * fetch with one needs a CORS preflight we never grant; SameSite=Strict is the first line, this the second.
 */
export const CSRF_HEADER = 'x-smsdesk-csrf';

/** Tokens are stored only as SHA-256: high-entropy random tokens need no slow hash, and lookups stay indexed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new bearer token: 256 random bits, prefixed so leaked tokens are easy to recognise in scanners. */
export function generateToken(): string {
  return `sd_${randomBytes(32).toString('base64url')}`;
}

/*
 * Browser sessions are rows (browser_sessions), so signing out ends a session on every replica at once: a cookie
 * copied before sign-out stops working. The cookie holds 256 random bits; only their SHA-256 is stored. A session
 * also binds a fingerprint of the user's token hash: rotating or revoking the token ends its browser sessions.
 */
const fingerprint = (tokenHash: string) => tokenHash.slice(0, 16);

/**
 * Starts a browser session for a user and returns the cookie value. The one place sessions are created: the sign-in
 * form and any other sign-in path (e.g. a single-use link) call it, then set the cookie with `sessionCookieOptions`.
 */
export async function createSession(
  deps: Pick<ApiDeps, 'db'>,
  user: { id: string; tokenHash: string },
  nowMs = Date.now(),
): Promise<string> {
  const value = randomBytes(32).toString('base64url');
  await deps.db.insert(browserSessions).values({
    idHash: hashToken(value),
    userId: user.id,
    tokenFingerprint: fingerprint(user.tokenHash),
    expiresAt: new Date(nowMs + SESSION_TTL_SECONDS * 1000),
  });
  // Expired rows are dead weight only; each sign-in sweeps them (indexed, usually nothing to delete).
  await deps.db.delete(browserSessions).where(lt(browserSessions.expiresAt, new Date(nowMs)));
  return value;
}

/** Cookie attributes for a session; `Secure` when the public URL is https. */
export function sessionCookieOptions(config: Pick<Config, 'PUBLIC_BASE_URL'>) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'Strict' as const,
    secure: config.PUBLIC_BASE_URL.startsWith('https:'),
    maxAge: SESSION_TTL_SECONDS,
  };
}

/** Ends the session a cookie names (sign-out); unknown values are ignored. */
export async function revokeSession(deps: Pick<ApiDeps, 'db'>, value: string | undefined): Promise<void> {
  if (!value) return;
  await deps.db.delete(browserSessions).where(eq(browserSessions.idHash, hashToken(value)));
}

/** The user a session cookie names, if the session exists, has not expired, and the user's token is unchanged. */
export async function userFromSession(deps: Pick<ApiDeps, 'db'>, value: string | undefined): Promise<AuthUser | null> {
  if (!value || value.length > 100) return null;
  const [row] = await deps.db
    .select({
      id: users.id,
      name: users.name,
      role: users.role,
      tokenHash: users.tokenHash,
      tokenFingerprint: browserSessions.tokenFingerprint,
      disabled: users.disabled,
    })
    .from(browserSessions)
    .innerJoin(users, eq(users.id, browserSessions.userId))
    .where(and(eq(browserSessions.idHash, hashToken(value)), gt(browserSessions.expiresAt, new Date())))
    .limit(1);
  if (!row || row.disabled || fingerprint(row.tokenHash) !== row.tokenFingerprint) return null;
  return { id: row.id, name: row.name, role: row.role };
}

/** The user a bearer token belongs to, or null. */
export async function userFromToken(deps: Pick<ApiDeps, 'db'>, token: string): Promise<AuthUser | null> {
  const row = await deps.db.query.users.findFirst({
    where: and(eq(users.tokenHash, hashToken(token)), eq(users.disabled, false)),
    columns: { id: true, name: true, role: true },
  });
  return row ?? null;
}

const bearerOf = (header: string | undefined) => /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];

/**
 * Re-checks the credential a request came with (long-lived streams call it periodically): the same user, or null
 * once the token was rotated/revoked or the session signed out or expired.
 */
export async function credentialStillValid(deps: Pick<ApiDeps, 'db'>, c: Context, userId: string): Promise<boolean> {
  const bearer = bearerOf(c.req.header('authorization'));
  const user = bearer ? await userFromToken(deps, bearer) : await userFromSession(deps, sessionCookieOf(c));
  return user?.id === userId;
}

// Problems carry `errors` as the contract shows; for credentials the "field" is the Authorization header.
const unauthorized = (detail: string) =>
  new ProblemError(401, detail, [{ path: 'Authorization', message: detail }], {}, 'unauthorized');

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Sets c.get('user'); idempotent, so routers mounted side by side may each authenticate without a second lookup.
 * Accepts `Authorization: Bearer` or, when deps carry the config, the browser session cookie (writes then need the
 * CSRF header). The bearer header wins when both are present.
 */
export function authenticate(deps: Pick<ApiDeps, 'db'> & Partial<Pick<ApiDeps, 'config'>>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.get('user')) return next();
    const config = deps.config;
    const bearer = bearerOf(c.req.header('authorization'));
    const cookie = !bearer && config ? sessionCookieOf(c) : undefined;
    let user: AuthUser | null;
    if (cookie) {
      user = await userFromSession(deps, cookie);
      if (!user) throw unauthorized('the session has expired or was signed out; sign in again');
      if (!SAFE_METHODS.has(c.req.method) && c.req.header(CSRF_HEADER) !== '1') {
        throw new ProblemError(
          403,
          `requests authenticated by the session cookie must send the ${CSRF_HEADER} header`,
          [{ path: CSRF_HEADER, message: 'is required for cookie-authenticated writes' }],
        );
      }
    } else {
      if (!bearer) throw unauthorized('Authorization: Bearer <token> header is required');
      user = await userFromToken(deps, bearer);
      if (!user) {
        if (config) await recordAuthFailure({ db: deps.db, config }, c, bearer);
        throw unauthorized('the bearer token is not valid');
      }
    }
    if (config) await countApiRequest({ db: deps.db, config }, c, user.id);
    c.set('user', user);
    await next();
  });
}

export function requireRole(...roles: AuthUser['role'][]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const user = c.get('user');
    if (!roles.includes(user.role)) {
      throw new ProblemError(403, `this action needs the role ${roles.join(' or ')}; you are ${user.role}`, []);
    }
    await next();
  });
}

/** Authentication plus a role check, for a route's `middleware` list (401 before 403). */
export function guard(deps: Pick<ApiDeps, 'db'> & Partial<Pick<ApiDeps, 'config'>>, ...roles: AuthUser['role'][]) {
  return [authenticate(deps), requireRole(...roles)];
}

import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Config } from '../config/env.js';
import { users } from '../db/schema/index.js';
import { ProblemError } from '../lib/problem.js';
import type { ApiDeps, AppEnv, AuthUser } from './deps.js';

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
 * Sessions are stateless HMAC-signed cookies rather than rows: no table, no cleanup job, every replica verifies them.
 * The key is derived (HKDF) from ENCRYPTION_KEY under its own label, so it is never the key that encrypts secrets.
 * The cookie binds a fingerprint of the user's token hash: rotating or revoking a token ends its browser sessions.
 * Logout deletes the cookie in the browser; a copy taken before logout stays valid until expiry (12 h) — the price of
 * statelessness, bounded by HttpOnly (scripts cannot read it) and the short lifetime.
 */
type SessionClaims = { u: string; f: string; e: number };

const keys = new WeakMap<object, Buffer>();
function sessionKey(config: Pick<Config, 'ENCRYPTION_KEY'>): Buffer {
  let key = keys.get(config);
  if (!key) {
    const ikm = Buffer.from(config.ENCRYPTION_KEY, 'base64');
    key = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'smsdesk browser session v1', 32));
    keys.set(config, key);
  }
  return key;
}

const fingerprint = (tokenHash: string) => tokenHash.slice(0, 16);
const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

/** The cookie value for a user whose token hash is `tokenHash`. */
export function signSession(
  config: Pick<Config, 'ENCRYPTION_KEY'>,
  user: { id: string; tokenHash: string },
  nowMs = Date.now(),
): string {
  const claims: SessionClaims = {
    u: user.id,
    f: fingerprint(user.tokenHash),
    e: Math.floor(nowMs / 1000) + SESSION_TTL_SECONDS,
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${mac(sessionKey(config), payload)}`;
}

/** Claims of a well-signed, unexpired cookie, else null. */
export function verifySession(
  config: Pick<Config, 'ENCRYPTION_KEY'>,
  value: string,
  nowMs = Date.now(),
): SessionClaims | null {
  const [payload, sig, extra] = value.split('.');
  if (!payload || !sig || extra !== undefined) return null;
  const expected = Buffer.from(mac(sessionKey(config), payload));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionClaims;
    if (typeof claims.u !== 'string' || typeof claims.f !== 'string' || typeof claims.e !== 'number') return null;
    return claims.e * 1000 > nowMs ? claims : null;
  } catch {
    return null;
  }
}

/** The user a session cookie names, if the cookie is valid and the user's token is unchanged. */
export async function userFromSession(
  deps: Pick<ApiDeps, 'db' | 'config'>,
  value: string | undefined,
): Promise<AuthUser | null> {
  const claims = value ? verifySession(deps.config, value) : null;
  if (!claims) return null;
  const row = await deps.db.query.users.findFirst({
    where: eq(users.id, claims.u),
    columns: { id: true, name: true, role: true, tokenHash: true },
  });
  if (!row || fingerprint(row.tokenHash) !== claims.f) return null;
  return { id: row.id, name: row.name, role: row.role };
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
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const cookie = !match && deps.config ? getCookie(c, SESSION_COOKIE) : undefined;
    if (cookie && deps.config) {
      const user = await userFromSession({ db: deps.db, config: deps.config }, cookie);
      if (!user) throw unauthorized('the session has expired or was signed out; sign in again');
      if (!SAFE_METHODS.has(c.req.method) && c.req.header(CSRF_HEADER) !== '1') {
        throw new ProblemError(
          403,
          `requests authenticated by the session cookie must send the ${CSRF_HEADER} header`,
          [{ path: CSRF_HEADER, message: 'is required for cookie-authenticated writes' }],
        );
      }
      c.set('user', user);
      return next();
    }
    if (!match) throw unauthorized('Authorization: Bearer <token> header is required');
    const row = await deps.db.query.users.findFirst({
      where: eq(users.tokenHash, hashToken(match[1]!)),
      columns: { id: true, name: true, role: true },
    });
    if (!row) throw unauthorized('the bearer token is not valid');
    c.set('user', row satisfies AuthUser);
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

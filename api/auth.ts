import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { users } from '../db/schema/index.js';
import { ProblemError } from '../lib/problem.js';
import type { ApiDeps, AppEnv, AuthUser } from './deps.js';

export const ROLES = ['agent', 'supervisor', 'admin'] as const satisfies readonly AuthUser['role'][];

/** Tokens are stored only as SHA-256: high-entropy random tokens need no slow hash, and lookups stay indexed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new bearer token: 256 random bits, prefixed so leaked tokens are easy to recognise in scanners. */
export function generateToken(): string {
  return `sd_${randomBytes(32).toString('base64url')}`;
}

// Problems carry `errors` as the contract shows; for credentials the "field" is the Authorization header.
const unauthorized = (detail: string) =>
  new ProblemError(401, detail, [{ path: 'Authorization', message: detail }], {}, 'unauthorized');

/** Sets c.get('user'); idempotent, so routers mounted side by side may each authenticate without a second lookup. */
export function authenticate(deps: Pick<ApiDeps, 'db'>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.get('user')) return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
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
export function guard(deps: Pick<ApiDeps, 'db'>, ...roles: AuthUser['role'][]) {
  return [authenticate(deps), requireRole(...roles)];
}

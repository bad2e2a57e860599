import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { users } from '../db/schema/index.js';
import { ProblemError } from '../lib/problem.js';
import type { ApiDeps, AppEnv, AuthUser } from './deps.js';

/** Tokens are stored only as SHA-256: high-entropy random tokens need no slow hash, and lookups stay indexed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function authenticate(deps: Pick<ApiDeps, 'db'>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ProblemError(401, 'Authorization: Bearer <token> header is required');
    const row = await deps.db.query.users.findFirst({
      where: eq(users.tokenHash, hashToken(match[1]!)),
      columns: { id: true, name: true, role: true },
    });
    if (!row) throw new ProblemError(401, 'the bearer token is not valid');
    c.set('user', row satisfies AuthUser);
    await next();
  });
}

export function requireRole(...roles: AuthUser['role'][]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const user = c.get('user');
    if (!roles.includes(user.role)) {
      throw new ProblemError(403, `this action needs the role ${roles.join(' or ')}; you are ${user.role}`);
    }
    await next();
  });
}

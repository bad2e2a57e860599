import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { loginLinks, users } from '../../db/schema/index.js';
import { hashToken } from '../auth.js';

/** Sign-in links are for the next few minutes only: long enough to click, short enough that a leaked log is stale. */
export const LOGIN_LINK_TTL_MINUTES = { default: 15, max: 60 } as const;
export const LOGIN_LINK_TARGETS = ['/app', '/admin'] as const;
export type LoginLinkTarget = (typeof LOGIN_LINK_TARGETS)[number];

/** Where a user lands by default: admins in the setup wizard, everyone else in the workspace. */
export const defaultTarget = (role: string): LoginLinkTarget => (role === 'admin' ? '/admin' : '/app');

/**
 * Stores a new one-time link for `userId` (only the token's SHA-256) and returns the token. Expired links of the
 * same user are pruned here, so the table never grows without bound and needs no cleanup job.
 */
export async function createLoginLink(
  db: Db,
  opts: { userId: string; next: LoginLinkTarget; ttlMinutes: number; createdBy?: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = `sdl_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + opts.ttlMinutes * 60_000);
  await db
    .delete(loginLinks)
    .where(and(eq(loginLinks.userId, opts.userId), sql`${loginLinks.expiresAt} < now() - interval '1 day'`));
  await db.insert(loginLinks).values({
    userId: opts.userId,
    tokenHash: hashToken(token),
    next: opts.next,
    createdBy: opts.createdBy ?? null,
    expiresAt,
  });
  return { token, expiresAt };
}

/**
 * Uses up a link: one conditional UPDATE, so two clicks racing each other cannot both sign in. Returns the user (with
 * the token hash the session binds to) and the target page, or null for an unknown, used or expired token.
 */
export async function consumeLoginLink(
  db: Db,
  token: string,
): Promise<{ user: { id: string; tokenHash: string; role: string }; next: LoginLinkTarget } | null> {
  const [used] = await db
    .update(loginLinks)
    .set({ usedAt: sql`now()` })
    .where(
      and(eq(loginLinks.tokenHash, hashToken(token)), isNull(loginLinks.usedAt), gt(loginLinks.expiresAt, sql`now()`)),
    )
    .returning({ userId: loginLinks.userId, next: loginLinks.next });
  if (!used) return null;
  const user = await db.query.users.findFirst({
    where: eq(users.id, used.userId),
    columns: { id: true, tokenHash: true, role: true, disabled: true },
  });
  if (!user || user.disabled) return null;
  const next = (LOGIN_LINK_TARGETS as readonly string[]).includes(used.next) ? (used.next as LoginLinkTarget) : '/app';
  return { user, next };
}

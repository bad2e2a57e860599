import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { auditLog, settings, users } from '../db/schema/index.js';
import { hashToken } from './auth.js';

/**
 * Idempotent start-up data: the settings row and, when BOOTSTRAP_ADMIN_TOKEN is set, the bootstrap admin holding it.
 *
 * The bootstrap token is a first-run credential (docs/security.md). Changing the variable rotates it: the same admin
 * user gets the new token's hash, so the old token (and every session cookie made from it) stops working at this
 * start-up. Unsetting the variable leaves the admin and its current token as they are.
 */
export async function bootstrap(db: Db, adminToken: string | undefined): Promise<void> {
  await db.insert(settings).values({ id: 1 }).onConflictDoNothing();
  if (!adminToken) return;
  const tokenHash = hashToken(adminToken);
  await db.transaction(async (tx) => {
    // Several replicas may start at once: one at a time decides.
    await tx.execute(sql`select pg_advisory_xact_lock(7243001)`);
    const holder = await tx.query.users.findFirst({
      where: eq(users.tokenHash, tokenHash),
      columns: { id: true, bootstrap: true },
    });
    const current = await tx.query.users.findFirst({ where: eq(users.bootstrap, true), columns: { id: true } });
    if (holder) {
      // Already the bootstrap admin, or (installations from before the flag) the admin made from this token.
      if (!holder.bootstrap && !current) await tx.update(users).set({ bootstrap: true }).where(eq(users.id, holder.id));
      return;
    }
    if (current) {
      await tx
        .update(users)
        .set({ tokenHash, updatedAt: new Date() })
        .where(and(eq(users.id, current.id), eq(users.bootstrap, true)));
      await tx.insert(auditLog).values({
        actorId: null,
        action: 'user.bootstrap_token_rotated',
        targetType: 'user',
        targetId: current.id,
        details: { reason: 'BOOTSTRAP_ADMIN_TOKEN changed; the previous token is revoked' },
      });
      return;
    }
    await tx
      .insert(users)
      .values({ name: 'Administrator', role: 'admin', tokenHash, capacity: 0, bootstrap: true })
      .onConflictDoNothing();
  });
}

import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { settings, users } from '../db/schema/index.js';
import { hashToken } from './auth.js';

/** Idempotent start-up data: the settings row and, when BOOTSTRAP_ADMIN_TOKEN is set, an admin holding it. */
export async function bootstrap(db: Db, adminToken: string | undefined): Promise<void> {
  await db.insert(settings).values({ id: 1 }).onConflictDoNothing();
  if (!adminToken) return;
  const tokenHash = hashToken(adminToken);
  const existing = await db.query.users.findFirst({ where: eq(users.tokenHash, tokenHash), columns: { id: true } });
  if (!existing) {
    await db
      .insert(users)
      .values({ name: 'Administrator', role: 'admin', tokenHash, capacity: 0 })
      .onConflictDoNothing();
  }
}

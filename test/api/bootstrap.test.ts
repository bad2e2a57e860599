import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../api/auth.js';
import { bootstrap } from '../../api/bootstrap.js';
import { auditLog, users } from '../../db/schema/index.js';
import { createTestDb, type TestDb } from '../support/db.js';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.drop());

const holderOf = async (token: string) => db.db.query.users.findFirst({ where: eq(users.tokenHash, hashToken(token)) });

describe('bootstrap admin token', () => {
  it('creates one bootstrap admin, and a new BOOTSTRAP_ADMIN_TOKEN revokes the old token on the same user', async () => {
    const first = 'first-bootstrap-token-000000000';
    await bootstrap(db.db, first);
    await bootstrap(db.db, first);
    const admin = await holderOf(first);
    expect(admin).toMatchObject({ role: 'admin', bootstrap: true });

    const second = 'second-bootstrap-token-11111111';
    await bootstrap(db.db, second);
    expect(await holderOf(first)).toBeUndefined();
    expect((await holderOf(second))?.id).toBe(admin!.id);
    expect(await db.db.select().from(users).where(eq(users.bootstrap, true))).toHaveLength(1);
    const audit = await db.db.select().from(auditLog).where(eq(auditLog.action, 'user.bootstrap_token_rotated'));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(second);

    // Unsetting the variable keeps the current token working.
    await bootstrap(db.db, undefined);
    expect((await holderOf(second))?.id).toBe(admin!.id);
  });

  it('concurrent start-ups with the same token leave one admin holding it', async () => {
    const third = 'third-bootstrap-token-222222222';
    await Promise.all([bootstrap(db.db, third), bootstrap(db.db, third), bootstrap(db.db, third)]);
    expect(await db.db.select().from(users).where(eq(users.bootstrap, true))).toHaveLength(1);
    expect((await holderOf(third))?.bootstrap).toBe(true);
  });
});

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox, messagingAccounts, phoneNumbers, settings } from '../../db/schema/index.js';
import { createTestDb, type TestDb } from '../support/db.js';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

describe('database schema (real PostgreSQL, migrated by drizzle-kit migrations)', () => {
  it('uses snake_case columns end to end', async () => {
    const [acc] = await t.db
      .insert(messagingAccounts)
      .values({ name: 'Main', customerId: 'CUST-1', apiKeyCiphertext: 'v1.x', apiKeyHint: '…abcd' })
      .returning();
    const cols =
      await t.sql`select column_name from information_schema.columns where table_name = 'messaging_accounts'`;
    expect(cols.map((c) => c.column_name)).toContain('api_key_ciphertext');
    expect(acc!.validationStatus).toBe('unvalidated');
  });

  it('rejects a duplicate SMS number', async () => {
    const [acc] = await t.db
      .insert(messagingAccounts)
      .values({ name: 'B', customerId: 'C', apiKeyCiphertext: 'v1.y', apiKeyHint: '…1234' })
      .returning();
    await t.db.insert(phoneNumbers).values({ accountId: acc!.id, number: '14252306549', type: 'geo' });
    await expect(
      t.db.insert(phoneNumbers).values({ accountId: acc!.id, number: '14252306549', type: 'toll_free' }),
    ).rejects.toMatchObject({ cause: { code: '23505' } }); // unique_violation
  });

  it('dedupes inbox rows on their key', async () => {
    const row = {
      accountId: crypto.randomUUID(),
      kind: 'mo_sms' as const,
      dedupKey: 'mo:x:REF1',
      rawBody: '{}',
      payload: {},
    };
    const first = await t.db.insert(inbox).values(row).onConflictDoNothing().returning();
    const second = await t.db.insert(inbox).values(row).onConflictDoNothing().returning();
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(0);
  });

  it('allows only one settings row', async () => {
    await t.db.insert(settings).values({ id: 1 }).onConflictDoNothing();
    await expect(t.db.insert(settings).values({ id: 2 })).rejects.toMatchObject({
      cause: { constraint_name: 'settings_singleton' },
    });
    const [s] = await t.db.select().from(settings).where(eq(settings.id, 1));
    expect(s!.smsEnabled).toBe(true);
  });
});

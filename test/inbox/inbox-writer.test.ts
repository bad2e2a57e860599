import { randomBytes } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox } from '../../db/schema/index.js';
import { createInboxWriter } from '../../inbox/ingest/inbox-writer.js';
import { parseCallback } from '../../inbox/ingest/parse-callback.js';
import { createAccount, moBody, type TestAccount } from '../api/webhooks/support.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { testConfig } from '../support/stack.js';

let db: TestDb;
let acc: TestAccount;
const SUPPORT = '14252306000';

beforeAll(async () => {
  db = await createTestDb();
  acc = await createAccount(db.db, testConfig({ DATABASE_URL: db.url }), { numbers: [SUPPORT] });
});
afterAll(() => db.drop());

const mo = (accountId: string, from = `1555${randomBytes(3).readUIntBE(0, 3) % 10_000_000}`) => {
  const body = moBody({ from, to: SUPPORT, text: 'hello' });
  return { accountId, rawBody: JSON.stringify(body), payload: body, parsed: parseCallback(body) };
};

describe('inbox writer', () => {
  it('stores a burst of concurrent MOs in shared commits, one row each, retries within the burst acknowledged once', async () => {
    const writer = createInboxWriter(db.db, { maxInFlight: 1 });
    const items = Array.from({ length: 30 }, () => mo(acc.id));
    const retry = { ...items[7]! };
    const results = await Promise.all([...items, retry].map((i) => writer.store(i)));
    expect(results.slice(0, 30).every((r) => r.stored && r.status === 'pending' && r.handOver)).toBe(true);
    expect(results[30]).toEqual({ stored: false, status: null });
    const refs = items.map((i) => (i.parsed as { referenceId: string }).referenceId);
    const rows = await db.db.select().from(inbox).where(inArray(inbox.referenceId, refs));
    expect(rows).toHaveLength(30);
    // Each caller got the id of its own row.
    const idByRef = new Map(rows.map((r) => [r.referenceId, r.id]));
    expect(results.slice(0, 30).map((r) => r.handOver?.inboxId)).toEqual(refs.map((r) => idByRef.get(r)));
  });

  it('isolates a row PostgreSQL rejects: only that callback fails, its batch-mates are stored', async () => {
    const writer = createInboxWriter(db.db, { maxInFlight: 1 });
    const good = Array.from({ length: 5 }, () => mo(acc.id));
    const bad = mo('not-a-uuid');
    // The first item is written alone; the rest, bad one included, share the next statement.
    const settled = await Promise.allSettled([good[0]!, good[1]!, bad, good[2]!, good[3]!, good[4]!].map(writer.store));
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect(String((settled[2] as PromiseRejectedResult).reason.cause)).toContain('uuid');
    for (const g of good) {
      const ref = (g.parsed as { referenceId: string }).referenceId;
      expect(await db.db.select().from(inbox).where(eq(inbox.referenceId, ref))).toHaveLength(1);
    }
  });
});

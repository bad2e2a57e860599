import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/client.js';
import { createInboxWriter } from '../../inbox/ingest/inbox-writer.js';
import { parseCallback } from '../../inbox/ingest/parse-callback.js';
import { createAccount, moBody, type TestAccount } from '../api/webhooks/support.js';
import { startPausingProxy } from '../faults/pausing-proxy.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { testConfig } from '../support/stack.js';

let db: TestDb;
let acc: TestAccount;
let proxy: Awaited<ReturnType<typeof startPausingProxy>>;
const SUPPORT = '14252307200';

beforeAll(async () => {
  db = await createTestDb();
  acc = await createAccount(db.db, testConfig({ DATABASE_URL: db.url }), { numbers: [SUPPORT] });
  const u = new URL(db.url);
  proxy = await startPausingProxy({ host: u.hostname, port: Number(u.port) });
});
afterAll(async () => {
  await proxy.close();
  await db.drop();
});

function store(writer: ReturnType<typeof createInboxWriter>) {
  const body = moBody({ from: '15556660001', to: SUPPORT, text: 'hello' });
  return writer.store({ accountId: acc.id, rawBody: JSON.stringify(body), payload: body, parsed: parseCallback(body) });
}

describe('inbox batch write deadline', () => {
  it('a connection that hangs without closing fails the batch within its deadline, and the next writes succeed on a fresh connection', async () => {
    const u = new URL(db.url);
    u.port = String(proxy.port);
    let recovered = 0;
    const writer = createInboxWriter(db.db, {
      flushTimeoutMs: 1000,
      connect: () => createDb(u.toString(), { max: 2 }),
      onRecover: () => recovered++,
    });
    try {
      expect((await store(writer)).stored).toBe(true);
      proxy.pause();
      const started = Date.now();
      await expect(store(writer)).rejects.toThrow(/did not finish within 1000 ms/);
      expect(Date.now() - started).toBeLessThan(2500);
      expect(recovered).toBe(1);
      // PostgreSQL answers again for new connections; the black-holed ones never come back.
      proxy.resume();
      const again = Date.now();
      const r = await store(writer);
      expect(r.stored).toBe(true);
      expect(Date.now() - again).toBeLessThan(2500);
      const [n] = await db.sql`select count(*)::int as n from inbox where account_id = ${acc.id}`;
      expect(n!.n).toBeGreaterThanOrEqual(2);
    } finally {
      await writer.close();
    }
  });
});

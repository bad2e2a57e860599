import type { Client } from '@temporalio/client';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox } from '../../../db/schema/index.js';
import { startInboxRelay } from '../../../inbox/relay.js';
import { createLogger } from '../../../lib/logger.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { testConfig } from '../../support/stack.js';
import { moBody, ref } from './support.js';

/** A Temporal client stand-in that records signalWithStart calls (or fails them), for the relay's own logic. */
function fakeTemporal(opts: { fail?: () => boolean; delayMs?: number } = {}) {
  const calls: string[] = [];
  const client = {
    connection: { withDeadline: (_d: number, fn: () => Promise<unknown>) => fn() },
    workflow: {
      signalWithStart: async (_wf: string, o: { signalArgs: [{ inboxId: string }] }) => {
        await new Promise((r) => setTimeout(r, opts.delayMs ?? 1));
        if (opts.fail?.()) throw new Error('14 UNAVAILABLE: connection refused');
        calls.push(o.signalArgs[0].inboxId);
        return { workflowId: 'wf' };
      },
    },
  } as unknown as Client;
  return { client, calls };
}

let db: TestDb;
const config = () => testConfig({ INBOX_RELAY_INTERVAL_MS: '50' });
const accountId = crypto.randomUUID();

beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.drop());

async function pendingRows(n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = moBody({
      referenceId: ref(),
      from: `1555777${String(i).padStart(4, '0')}`,
      to: '14252306549',
      text: `m${i}`,
    });
    const [row] = await db.db
      .insert(inbox)
      .values({
        accountId,
        kind: 'mo_sms',
        dedupKey: `mo:${accountId}:${body.reference_id}`,
        referenceId: body.reference_id,
        subResource: 'mo_sms',
        rawBody: JSON.stringify(body),
        payload: body,
      })
      .returning({ id: inbox.id });
    ids.push(row!.id);
  }
  return ids;
}

describe('inbox relay', () => {
  it('two relays on one database hand each pending message over exactly once', async () => {
    const ids = await pendingRows(60);
    const a = fakeTemporal({ delayMs: 3 });
    const b = fakeTemporal({ delayMs: 3 });
    const logger = createLogger('silent');
    const relays = [
      startInboxRelay({ db: db.db, temporal: a.client, logger, config: config() }, { batchSize: 7 }),
      startInboxRelay({ db: db.db, temporal: b.client, logger, config: config() }, { batchSize: 7 }),
    ];
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const [r] = await db.sql`select count(*)::int as n from inbox where status = 'delivered'`;
      if (r!.n === ids.length) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    await Promise.all(relays.map((r) => r.stop()));
    const all = [...a.calls, ...b.calls];
    expect(all.sort()).toEqual([...ids].sort());
    // Both replicas took part (the lease is per row, not a global lock).
    expect(a.calls.length).toBeGreaterThan(0);
    expect(b.calls.length).toBeGreaterThan(0);
  });

  it('backs off while Temporal fails, records the error, and delivers once it recovers', async () => {
    await db.db.delete(inbox);
    const [id] = await pendingRows(1);
    let down = true;
    const t = fakeTemporal({ fail: () => down });
    const relay = startInboxRelay({ db: db.db, temporal: t.client, logger: createLogger('silent'), config: config() });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const [row] = await db.db.select().from(inbox).where(eq(inbox.id, id!));
      expect(row).toMatchObject({ status: 'pending' });
      expect(row!.attempts).toBeGreaterThanOrEqual(1);
      // 1 s, then 2 s…: far fewer attempts than relay passes (every 50 ms).
      expect(row!.attempts).toBeLessThanOrEqual(2);
      expect(row!.lastError).toContain('UNAVAILABLE');
      expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() - 100);
      down = false;
      await db.db.update(inbox).set({ nextAttemptAt: sql`now()` }).where(eq(inbox.id, id!));
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        const [r] = await db.db.select().from(inbox).where(eq(inbox.id, id!));
        if (r?.status === 'delivered') break;
        await new Promise((res) => setTimeout(res, 50));
      }
      const [done] = await db.db.select().from(inbox).where(eq(inbox.id, id!));
      expect(done!.status).toBe('delivered');
      expect(t.calls).toEqual([id]);
    } finally {
      await relay.stop();
    }
  });
});

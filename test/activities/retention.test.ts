import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInboxWriter } from '../../inbox/ingest/inbox-writer.js';
import { parseCallback } from '../../inbox/ingest/parse-callback.js';
import { ensureRetentionSchedule, RETENTION_SCHEDULE_ID } from '../../worker/retention-schedule.js';
import { createAccount, moBody, type TestAccount } from '../api/webhooks/support.js';
import { createTestStack, eventually, type TestStack } from '../support/stack.js';

let s: TestStack;
let acc: TestAccount;
const SUPPORT = '14252307400';

beforeAll(async () => {
  s = await createTestStack();
  acc = await createAccount(s.db.db, s.config, { numbers: [SUPPORT] });
});
afterAll(async () => {
  await s.temporal.schedule
    .getHandle(RETENTION_SCHEDULE_ID)
    .delete()
    .catch(() => {});
  await s.close();
});

describe('retention purge on its Temporal schedule', () => {
  it('nulls old payloads, deletes rows past the row retention, keeps newer ones, and dedup still works', async () => {
    const writer = createInboxWriter(s.db.db);
    const bodies = ['old', 'older', 'new'].map((t, i) => moBody({ from: `1555668000${i}`, to: SUPPORT, text: t }));
    for (const b of bodies)
      await writer.store({ accountId: acc.id, rawBody: JSON.stringify(b), payload: b, parsed: parseCallback(b) });
    await s.db.sql`update inbox set status = 'delivered'`;
    await s.db
      .sql`update inbox set received_at = now() - interval '100 days' where reference_id = ${bodies[0]!.reference_id}`;
    await s.db
      .sql`update inbox set received_at = now() - interval '500 days' where reference_id = ${bodies[1]!.reference_id}`;
    await s.db
      .sql`insert into events (type, data, at) values ('x', '{}', now() - interval '40 days'), ('y', '{}', now())`;

    // Created twice: idempotent. Then triggered now instead of waiting for 03:17.
    await ensureRetentionSchedule(s.temporal, s.config);
    await ensureRetentionSchedule(s.temporal, s.config);
    await s.temporal.schedule.getHandle(RETENTION_SCHEDULE_ID).trigger();

    await eventually(async () => {
      const rows = await s.db.sql`select reference_id, payload from inbox order by seq`;
      return rows.length === 2 && rows.find((r) => r.reference_id === bodies[0]!.reference_id)?.payload === null;
    }, 30_000);
    const rows = await s.db.sql`select reference_id, payload, raw_body from inbox`;
    const byRef = Object.fromEntries(rows.map((r) => [r.reference_id, r]));
    expect(byRef[bodies[0]!.reference_id]).toMatchObject({ payload: null, raw_body: null });
    expect(byRef[bodies[1]!.reference_id]).toBeUndefined();
    expect(byRef[bodies[2]!.reference_id]!.payload).not.toBeNull();
    const events = await s.db.sql`select type from events where type in ('x', 'y')`;
    expect(events.map((e) => e.type)).toEqual(['y']);

    // TeleSign retries the MO whose payload was purged: still recognised as a duplicate.
    const retry = await writer.store({
      accountId: acc.id,
      rawBody: JSON.stringify(bodies[0]),
      payload: bodies[0],
      parsed: parseCallback(bodies[0]),
    });
    expect(retry.stored).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInboxWriter } from '../../inbox/ingest/inbox-writer.js';
import { parseCallback } from '../../inbox/ingest/parse-callback.js';
import { startInboxRelay } from '../../inbox/relay.js';
import { sweepUnrecorded } from '../../inbox/sweeper.js';
import { createLogger } from '../../lib/logger.js';
import { metrics } from '../../lib/metrics.js';
import { createAccount, moBody, type TestAccount } from '../api/webhooks/support.js';
import { createTestStack, eventually, type TestStack } from '../support/stack.js';

let s: TestStack;
let acc: TestAccount;
const SUPPORT = '14252307300';

beforeAll(async () => {
  s = await createTestStack();
  acc = await createAccount(s.db.db, s.config, { numbers: [SUPPORT] });
});
afterAll(() => s.close());

const sweptTotal = async () => (await metrics.inboxSwept.get()).values[0]?.value ?? 0;

describe('inbox sweeper', () => {
  it('hands over again an MO marked handed over whose signal never arrived; the transcript gets it once', async () => {
    const body = moBody({ from: '15556670001', to: SUPPORT, text: 'lost signal' });
    const r = await createInboxWriter(s.db.db).store({
      accountId: acc.id,
      rawBody: JSON.stringify(body),
      payload: body,
      parsed: parseCallback(body),
    });
    // Marked handed over two minutes ago, but never signalled (the loss #20 is about).
    await s.db.sql`update inbox set status = 'delivered', delivered_at = now() - interval '120 seconds'
      where id = ${r.handOver!.inboxId}`;
    const deps = { db: s.db.db, temporal: s.temporal, logger: createLogger('silent'), config: s.config };
    const before = await sweptTotal();
    const swept = await sweepUnrecorded(deps);
    expect(swept.map((x) => x.referenceId)).toEqual([body.reference_id]);
    expect(await sweptTotal()).toBe(before + 1);
    // Not swept twice within INBOX_SWEEP_AFTER_SECONDS.
    expect(await sweepUnrecorded(deps)).toEqual([]);

    const relay = startInboxRelay(deps, { intervalMs: 50 });
    try {
      await eventually(async () => {
        const rows = await s.db.sql`select id from messages where provider_reference_id = ${body.reference_id}`;
        return rows.length === 1;
      });
    } finally {
      await relay.stop();
    }
    const [row] = await s.db.sql`select status, swept_at from inbox where id = ${r.handOver!.inboxId}`;
    expect(row).toMatchObject({ status: 'delivered' });
    expect(row!.swept_at).not.toBeNull();
    // Recorded now: a later sweep (even past the interval) leaves it alone.
    await s.db.sql`update inbox set delivered_at = now() - interval '120 seconds', swept_at = null
      where id = ${r.handOver!.inboxId}`;
    expect(await sweepUnrecorded(deps)).toEqual([]);
    const rows = await s.db.sql`select id from messages where provider_reference_id = ${body.reference_id}`;
    expect(rows).toHaveLength(1);
  });
});

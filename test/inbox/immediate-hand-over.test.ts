import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox } from '../../db/schema/index.js';
import type { MoHandOver } from '../../inbox/hand-over/hand-over.js';
import { createImmediateHandOver } from '../../inbox/hand-over/immediate-hand-over.js';
import { createInboxWriter } from '../../inbox/ingest/inbox-writer.js';
import { parseCallback } from '../../inbox/ingest/parse-callback.js';
import { createLogger } from '../../lib/logger.js';
import { metrics } from '../../lib/metrics.js';
import { createAccount, moBody, type TestAccount } from '../api/webhooks/support.js';
import { createTestStack, type TestStack } from '../support/stack.js';

let s: TestStack;
let acc: TestAccount;
const SUPPORT = '14252307000';

beforeAll(async () => {
  // No worker: hand-over means the Temporal server accepted the signalWithStart, which is all this tests.
  s = await createTestStack({ worker: false });
  acc = await createAccount(s.db.db, s.config, { numbers: [SUPPORT] });
});
afterAll(() => s.close());

async function storedMos(froms: string[]): Promise<MoHandOver[]> {
  const writer = createInboxWriter(s.db.db);
  const results = await Promise.all(
    froms.map((from) => {
      const body = moBody({ from, to: SUPPORT, text: 'hi' });
      return writer.store({
        accountId: acc.id,
        rawBody: JSON.stringify(body),
        payload: body,
        parsed: parseCallback(body),
      });
    }),
  );
  return results.map((r) => r.handOver!);
}

const deps = () => ({ db: s.db.db, temporal: s.temporal, logger: createLogger('silent'), config: s.config });

const rowsOf = (mos: MoHandOver[]) =>
  s.db.db
    .select()
    .from(inbox)
    .where(
      inArray(
        inbox.id,
        mos.map((m) => m.inboxId),
      ),
    );

const statuses = async (mos: MoHandOver[]) => Object.fromEntries((await rowsOf(mos)).map((r) => [r.id, r.status]));

const deferredCount = async () =>
  (await metrics.inboxHandOvers.get()).values.find(
    (v) => v.labels.path === 'immediate' && v.labels.outcome === 'deferred',
  )?.value ?? 0;

describe('immediate hand-over', () => {
  it('hands every queued MO over, three at a time, and marks each row delivered with its workflow', async () => {
    const mos = await storedMos(Array.from({ length: 12 }, (_, i) => `155533300${String(i).padStart(2, '0')}`));
    const handOver = createImmediateHandOver(deps(), { concurrency: 3 });
    for (const mo of mos) handOver.submit(mo);
    expect(handOver.waiting).toBe(12);
    await handOver.drain();
    expect(handOver.waiting).toBe(0);
    expect(Object.values(await statuses(mos))).toEqual(Array(12).fill('delivered'));
    const rows = await rowsOf(mos);
    expect(rows.map((r) => r.workflowId)).toEqual(rows.map(() => expect.stringContaining(`:${SUPPORT}:`)));
  });

  it('leaves MOs beyond its queue limit pending for the relay instead of holding them in memory', async () => {
    const mos = await storedMos(['15553334001', '15553334002', '15553334003', '15553334004', '15553334005']);
    const handOver = createImmediateHandOver(deps(), { concurrency: 1, maxWaiting: 2 });
    const before = await deferredCount();
    for (const mo of mos) handOver.submit(mo);
    await handOver.drain();
    const st = await statuses(mos);
    expect(mos.map((m) => st[m.inboxId])).toEqual(['delivered', 'delivered', 'pending', 'pending', 'pending']);
    expect((await deferredCount()) - before).toBe(3);
  });
});

import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOptedOut } from '../../db/repositories/consent.js';
import type { MoHandOver } from '../../inbox/hand-over/hand-over.js';
import { createImmediateHandOver } from '../../inbox/hand-over/immediate-hand-over.js';
import { createInboxWriter } from '../../inbox/ingest/inbox-writer.js';
import { parseCallback } from '../../inbox/ingest/parse-callback.js';
import { startInboxRelay } from '../../inbox/relay.js';
import { createLogger } from '../../lib/logger.js';
import { createAccount, moBody, type TestAccount } from '../api/webhooks/support.js';
import { createTestStack, eventually, type TestStack } from '../support/stack.js';

let s: TestStack;
let acc: TestAccount;
const SUPPORT = '14252307100';
const logger = createLogger('silent');

beforeAll(async () => {
  s = await createTestStack();
  acc = await createAccount(s.db.db, s.config, { numbers: [SUPPORT] });
});
afterAll(() => s.close());

function mo(from: string, text: string, action = 'generic') {
  const body = moBody({ from, to: SUPPORT, text });
  body.user_response.action = action;
  body.user_response.keyword = action === 'generic' ? '' : text.toLowerCase();
  return body;
}

async function store(bodies: ReturnType<typeof mo>[]): Promise<MoHandOver[]> {
  const writer = createInboxWriter(s.db.db);
  const out: MoHandOver[] = [];
  // One by one: the inbox order is the order of these commits.
  for (const body of bodies) {
    const r = await writer.store({
      accountId: acc.id,
      rawBody: JSON.stringify(body),
      payload: body,
      parsed: parseCallback(body),
    });
    out.push(r.handOver!);
  }
  return out;
}

/** A Temporal stand-in per "replica": every signal goes to one shared log, in the order the server would see them. */
function fakeTemporal(log: { key: string; seq: number }[]) {
  return {
    connection: { withDeadline: (_d: number, fn: () => Promise<unknown>) => fn() },
    workflow: {
      signalWithStart: async (_wf: string, o: { workflowId: string; signalArgs: [{ inboxSeq?: number }] }) => {
        await new Promise((r) => setTimeout(r, Math.random() * 4));
        log.push({ key: o.workflowId, seq: o.signalArgs[0].inboxSeq! });
        return { workflowId: o.workflowId };
      },
    },
  } as unknown as Client;
}

describe('hand-over order per conversation', () => {
  it('relay and immediate hand-over on two replicas signal each conversation strictly in inbox order', async () => {
    const customers = ['15557770001', '15557770002', '15557770003'];
    const bodies = Array.from({ length: 90 }, (_, i) => mo(customers[i % 3]!, `m${i}`));
    const mos = await store(bodies);
    const log: { key: string; seq: number }[] = [];
    const deps = (t: Client) => ({ db: s.db.db, temporal: t, logger, config: s.config });
    const a = fakeTemporal(log);
    const b = fakeTemporal(log);
    const relays = [
      startInboxRelay(deps(a), { intervalMs: 20, batchSize: 2 }),
      startInboxRelay(deps(b), { intervalMs: 20, batchSize: 2 }),
    ];
    // The rows are still in their immediate grace: make them due for the relays too, so all four paths race.
    await s.db.sql`update inbox set next_attempt_at = now() where account_id = ${acc.id}`;
    const immediateA = createImmediateHandOver(deps(a), { concurrency: 2 });
    const immediateB = createImmediateHandOver(deps(b), { concurrency: 2 });
    // Replica B is handed the MOs newest first: it must still signal the older ones first.
    for (let i = 0; i < mos.length; i++) {
      immediateA.submit(mos[i]!);
      immediateB.submit(mos[mos.length - 1 - i]!);
    }
    await Promise.all([immediateA.drain(), immediateB.drain()]);
    await eventually(async () => {
      const [r] = await s.db
        .sql`select count(*)::int as n from inbox where account_id = ${acc.id} and status = 'pending'`;
      return r!.n === 0;
    });
    await Promise.all(relays.map((r) => r.stop()));

    for (const c of customers) {
      const key = `conv:${acc.id}:${SUPPORT}:${c}`;
      const expected = mos.filter((m) => m.customerNumber === c).map((m) => m.sms.inboxSeq);
      const signalled = log.filter((l) => l.key === key).map((l) => l.seq);
      // Repeats are allowed (the workflow dedupes), a later SMS before an earlier one is not.
      const firstSeen = signalled.filter((seq, i) => signalled.indexOf(seq) === i);
      expect(firstSeen).toEqual(expected);
    }
  });

  it('STOP then START ends opted in when the START reaches a replica first and the STOP goes through the relay', async () => {
    const customer = '15557770099';
    const [stop, start] = await store([mo(customer, 'STOP', 'stop'), mo(customer, 'START', 'start')]);
    const deps = { db: s.db.db, temporal: s.temporal, logger, config: s.config };
    // Replica B's immediate hand-over gets only the START; replica A's relay is the path the STOP would take.
    const immediateB = createImmediateHandOver(deps);
    immediateB.submit(start!);
    await immediateB.drain();
    const relayA = startInboxRelay(deps, { intervalMs: 20 });
    try {
      await eventually(async () => {
        const [r] = await s.db.sql`select count(*)::int as n from consent_events
          where customer_number = ${customer} and support_number = ${SUPPORT}`;
        return r!.n === 2;
      });
    } finally {
      await relayA.stop();
    }
    const events = await s.db.sql`select opted_out from consent_events
      where customer_number = ${customer} and support_number = ${SUPPORT} order by id`;
    expect(events.map((e) => e.opted_out)).toEqual([true, false]);
    expect(await isOptedOut(s.db.db, SUPPORT, customer)).toBe(false);
    expect(stop!.sms.inboxSeq!).toBeLessThan(start!.sms.inboxSeq!);
  });
});

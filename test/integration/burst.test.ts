import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, type FaultStack, signedMo, startFaultStack } from '../faults/support.js';
import { createTestDb, type TestDb } from '../support/db.js';

/*
 * Issue #20: a flood into one conversation. The production entry points run as processes (`npm run api`,
 * `npm run worker` with create-worker's defaults, nothing tuned for the test); signed mo_sms callbacks go through the
 * real webhook, 8 at a time. Every acknowledged reference must be in the transcript exactly once, in each sender's
 * order, within 60 s of the last acknowledgement.
 */
let db: TestDb;
let stack: FaultStack;

beforeAll(async () => {
  db = await createTestDb();
  stack = await startFaultStack({ databaseUrl: db.url });
});
afterAll(async () => {
  await stack?.stop();
  await db?.drop();
});

type Sent = { referenceId: string; customer: string; sentAt: number; ackAt: number };

/** Posts `plan` (customer per message) through the webhook with `lanes` concurrent senders; each lane in order. */
async function post(plan: string[], lanes: number, label: string) {
  const sent: Sent[] = [];
  let next = 0;
  let lastAck = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let i = next++; i < plan.length; i = next++) {
        const mo = signedMo(stack.channel, plan[i]!, `${label} ${i}`);
        const sentAt = performance.now();
        for (let attempt = 0; ; attempt++) {
          const res = await fetch(stack.webhookUrl, { method: 'POST', headers: mo.headers, body: mo.raw });
          await res.arrayBuffer();
          if (res.status === 200) break;
          // TeleSign retries what is not acknowledged; only acknowledged messages count.
          if (attempt > 20) throw new Error(`webhook answered ${res.status} 20 times`);
          await new Promise((r) => setTimeout(r, 200));
        }
        lastAck = Date.now();
        sent.push({ referenceId: mo.referenceId, customer: plan[i]!, sentAt, ackAt: performance.now() });
      }
    }),
  );
  return { sent, lastAck };
}

type Row = { ref: string; customer: string; n: number };

/** Waits until every reference is recorded; returns when that happened and the transcript rows in order. */
async function recorded(refs: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }] = (await db.sql`
      select count(*)::int as n from messages where provider_reference_id = any(${refs})`) as unknown as [
      { n: number },
    ];
    if (n >= refs.length || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const at = Date.now();
  const rows = (await db.sql`
    select m.provider_reference_id as ref, c.customer_number as customer,
           count(*) over (partition by m.provider_reference_id)::int as n
    from messages m join conversations c on c.id = m.conversation_id
    where m.provider_reference_id = any(${refs})
    order by c.customer_number, m.seq`) as unknown as Row[];
  return { at, rows };
}

/**
 * Order per customer: whenever one text was acknowledged before another of the same customer was posted, the first
 * must have been recorded first. Rows come in recording order (messages.seq), not by created_at: our callbacks carry
 * millisecond submit times, so sorting by them would pass whatever order the workflow recorded in. Returns the
 * pairs that are out of order.
 */
function outOfOrder(sent: Sent[], rows: Row[]): number {
  const position = new Map(rows.map((r, i) => [r.ref, i]));
  const byCustomer = new Map<string, Sent[]>();
  for (const s of sent) byCustomer.set(s.customer, [...(byCustomer.get(s.customer) ?? []), s]);
  let bad = 0;
  for (const list of byCustomer.values()) {
    for (const a of list) {
      for (const b of list) {
        if (a.ackAt < b.sentAt && position.get(a.referenceId)! > position.get(b.referenceId)!) bad++;
      }
    }
  }
  return bad;
}

describe('a burst through the real webhook on the production worker', () => {
  it('1,000 texts from one customer, 8 concurrent: each exactly once, in order, within 60 s of the last ack', {
    timeout: 180_000,
  }, async () => {
    const [customer] = customers(1, '1888');
    const plan = Array.from({ length: 1000 }, () => customer!);
    const postStart = Date.now();
    const { sent, lastAck } = await post(plan, 8, 'burst');
    console.log(`[burst] 1000 × 1 customer: 1000 acks in ${lastAck - postStart} ms`);
    const refs = sent.map((s) => s.referenceId);
    const { at, rows } = await recorded(refs, 120_000);
    console.log(`[burst] 1000 × 1 customer: last ack → last recorded ${at - lastAck} ms`);
    expect(new Set(rows.map((r) => r.ref)).size).toBe(1000);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    expect(new Set(rows.map((r) => r.customer))).toEqual(new Set([customer]));
    expect(outOfOrder(sent, rows)).toBe(0);
    expect(at - lastAck).toBeLessThan(60_000);
  });

  // Posting 4,000 signed callbacks takes minutes on a loaded 2-core machine; the promise is timed from the last ack.
  it('200 customers × 20 texts interleaved: each exactly once, in order, within 60 s of the last ack', {
    timeout: 600_000,
  }, async () => {
    const phones = customers(200, '1889');
    // Round-robin over the customers: every conversation gets a stream of texts interleaved with all others.
    const plan = Array.from({ length: 4000 }, (_, i) => phones[i % 200]!);
    const postStart = Date.now();
    const { sent, lastAck } = await post(plan, 8, 'mixed');
    console.log(`[burst] 200 customers × 20: 4000 acks in ${lastAck - postStart} ms`);
    const refs = sent.map((s) => s.referenceId);
    const { at, rows } = await recorded(refs, 120_000);
    console.log(`[burst] 200 customers × 20: last ack → last recorded ${at - lastAck} ms`);
    expect(new Set(rows.map((r) => r.ref)).size).toBe(4000);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    const perCustomer = new Map<string, number>();
    for (const r of rows) perCustomer.set(r.customer, (perCustomer.get(r.customer) ?? 0) + 1);
    expect([...perCustomer.values()].every((n) => n === 20)).toBe(true);
    expect(perCustomer.size).toBe(200);
    expect(outOfOrder(sent, rows)).toBe(0);
    expect(at - lastAck).toBeLessThan(60_000);
  });
});

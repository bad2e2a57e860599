import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DeliverResult, outboundActivities } from '../../activities/outbound.js';
import { conversations, messages } from '../../db/schema/index.js';
import { metrics } from '../../lib/metrics.js';
import { type Simulator, startSimulator } from '../../telesign/simulator/server.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { type SeededChannel, seedChannel } from '../support/seed.js';
import { testConfig } from '../support/stack.js';

/**
 * One send, one SMS (#20 item 5): TeleSign's answer is recorded by a step retried on its own, and an attempt whose
 * outcome is unknown looks the message up at TeleSign before sending again.
 */
let db: TestDb;
let sim: Simulator;
let channel: SeededChannel;
const CUSTOMER = '15554440001';
const config = () => testConfig({ DATABASE_URL: db.url });

beforeAll(async () => {
  db = await createTestDb();
  sim = await startSimulator({ dlrDelaysMs: [60_000, 60_000] });
  channel = await seedChannel(db.db, config(), sim, { callbackUrl: null });
  // Fails the statement that records TeleSign's reference id while the budget lasts (a sequence: not rolled back).
  await db.sql.unsafe(`
    create table record_fail_budget (n int not null);
    insert into record_fail_budget values (0);
    create sequence record_fail_seq;
    create function record_fail() returns trigger language plpgsql as $$
    begin
      if new.provider_reference_id is not null and old.provider_reference_id is null
         and nextval('record_fail_seq') <= (select n from record_fail_budget) then
        raise exception 'injected: connection lost while recording';
      end if;
      return new;
    end $$;
    create trigger record_fail before update on messages for each row execute function record_fail();`);
});
afterAll(async () => {
  await sim.stop();
  await db.drop();
});

async function failRecordingTimes(n: number) {
  await db.sql`select setval('record_fail_seq', 1, false)`;
  await db.sql`update record_fail_budget set n = ${n}`;
}

let conversationId: string;
beforeEach(async () => {
  sim.faults.reset();
  await failRecordingTimes(0);
  conversationId = randomUUID();
  await db.db.insert(conversations).values({
    id: conversationId,
    workflowId: `conv:${channel.accountId}:${channel.supportNumber}:${CUSTOMER}`,
    runId: 'run',
    accountId: channel.accountId,
    customerNumber: CUSTOMER,
    supportNumber: channel.supportNumber,
  });
});

async function queued(text: string) {
  const id = randomUUID();
  await db.db.insert(messages).values({ id, conversationId, direction: 'outbound', text, status: 'queued' });
  return id;
}

const deliverInput = (messageId: string) => ({
  messageId,
  accountId: channel.accountId,
  supportNumber: channel.supportNumber,
  customerNumber: CUSTOMER,
});

const counter = async (c: typeof metrics.sendLookups | typeof metrics.sendDuplicates, labels: Record<string, string>) =>
  (await c.get()).values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k as never] === val))?.value ??
  0;

describe('one send, one SMS', () => {
  it('Postgres failing right after TeleSign answered 200: the answer is recorded by its own retries, one SMS', async () => {
    const acts = outboundActivities({ db: db.db, config: config(), recordRetry: { attempts: 5, firstDelayMs: 20 } });
    const id = await queued('recorded on the second try');
    await failRecordingTimes(2);
    const res: DeliverResult = await new MockActivityEnvironment().run(acts.deliverOutbound, deliverInput(id));
    expect(res.status).toBe('sent');
    expect(sim.messagesWithExternalId(id)).toHaveLength(1);
    const [row] = await db.db.select().from(messages).where(eq(messages.id, id));
    expect(row).toMatchObject({ status: 'sent', providerReferenceId: res.referenceId, attempts: 1 });
  });

  it('recording still failing when the attempt gives up: the retried attempt finds the SMS at TeleSign, no resend', async () => {
    const acts = outboundActivities({ db: db.db, config: config(), recordRetry: { attempts: 2, firstDelayMs: 10 } });
    const id = await queued('the first attempt dies after TeleSign took it');
    await failRecordingTimes(2);
    await expect(new MockActivityEnvironment().run(acts.deliverOutbound, deliverInput(id))).rejects.toThrow(
      /Failed query: update "messages"/,
    );
    expect(sim.messagesWithExternalId(id)).toHaveLength(1);
    const found = await counter(metrics.sendLookups, { by: 'external_id', result: 'found' });
    // A new attempt on another worker: no heartbeat details, so only TeleSign can tell.
    const res: DeliverResult = await new MockActivityEnvironment({ attempt: 2 }).run(
      acts.deliverOutbound,
      deliverInput(id),
    );
    expect(sim.messagesWithExternalId(id)).toHaveLength(1);
    expect(res.referenceId).toBe(sim.messagesWithExternalId(id)[0]!.referenceId);
    expect(await counter(metrics.sendLookups, { by: 'external_id', result: 'found' })).toBe(found + 1);
    const [row] = await db.db.select().from(messages).where(eq(messages.id, id));
    expect(row).toMatchObject({ status: 'sent', providerReferenceId: res.referenceId });
  });

  it('a call that timed out (TeleSign took it late): the next attempt looks it up and does not send again', async () => {
    const acts = outboundActivities({ db: db.db, config: config() });
    const id = await queued('slow TeleSign');
    // The simulator answers after 11 s, past the client's 10 s timeout, and keeps the message.
    sim.faults.set({ latencyMs: 11_000 });
    await expect(new MockActivityEnvironment().run(acts.deliverOutbound, deliverInput(id))).rejects.toThrow(/timeout/);
    const deadline = Date.now() + 5000;
    while (sim.messagesWithExternalId(id).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(sim.messagesWithExternalId(id)).toHaveLength(1);
    sim.faults.reset();
    const res: DeliverResult = await new MockActivityEnvironment({ attempt: 2 }).run(
      acts.deliverOutbound,
      deliverInput(id),
    );
    expect(sim.messagesWithExternalId(id)).toHaveLength(1);
    expect(res.referenceId).toBe(sim.messagesWithExternalId(id)[0]!.referenceId);
  }, 30_000);

  it('an attempt that died before TeleSign got anything: the look-up finds nothing and the SMS is sent once', async () => {
    const acts = outboundActivities({ db: db.db, config: config() });
    const id = await queued('never reached TeleSign');
    await db.db.update(messages).set({ attempts: 1, sendOutcomeUnknown: true }).where(eq(messages.id, id));
    const notFound = await counter(metrics.sendLookups, { by: 'external_id', result: 'not_found' });
    await new MockActivityEnvironment({ attempt: 2 }).run(acts.deliverOutbound, deliverInput(id));
    expect(sim.messagesWithExternalId(id)).toHaveLength(1);
    expect(await counter(metrics.sendLookups, { by: 'external_id', result: 'not_found' })).toBe(notFound + 1);
  });

  it('a 503 refusal is an answer: the next attempt sends again without a look-up, even while look-ups are refused', async () => {
    const acts = outboundActivities({ db: db.db, config: config() });
    const id = await queued('refused first');
    sim.faults.set({ rate503: 1 });
    await expect(new MockActivityEnvironment().run(acts.deliverOutbound, deliverInput(id))).rejects.toThrow(
      /unavailable/,
    );
    // TeleSign still refuses everything (the external_id look-up too): a second refused send, counted as an attempt.
    await expect(
      new MockActivityEnvironment({ attempt: 2 }).run(acts.deliverOutbound, deliverInput(id)),
    ).rejects.toThrow(/unavailable/);
    const [refused] = await db.db.select().from(messages).where(eq(messages.id, id));
    expect(refused).toMatchObject({ status: 'queued', attempts: 2, sendOutcomeUnknown: false });
    sim.faults.reset();
    const lookups = await counter(metrics.sendLookups, { by: 'external_id', result: 'not_found' });
    await new MockActivityEnvironment({ attempt: 3 }).run(acts.deliverOutbound, deliverInput(id));
    expect(sim.messagesWithExternalId(id)).toHaveLength(1);
    expect(await counter(metrics.sendLookups, { by: 'external_id', result: 'not_found' })).toBe(lookups);
    const [row] = await db.db.select().from(messages).where(eq(messages.id, id));
    expect(row).toMatchObject({ status: 'sent', attempts: 3, sendOutcomeUnknown: false });
  });

  it('a TeleSign without the external_id look-up: sends again and counts a possible duplicate', async () => {
    // A stand-in for a TeleSign that answers the look-up 404 without our envelope, passing every other call through.
    const realFetch = globalThis.fetch;
    const acts = outboundActivities({ db: db.db, config: config() });
    const id = await queued('lookup unsupported');
    await db.db.update(messages).set({ attempts: 1, sendOutcomeUnknown: true }).where(eq(messages.id, id));
    const possible = await counter(metrics.sendDuplicates, { kind: 'possible' });
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) =>
      String(input).includes('/v1/messaging?')
        ? new Response('Not Found', { status: 404 })
        : realFetch(input, init)) as typeof fetch;
    try {
      await new MockActivityEnvironment({ attempt: 2 }).run(acts.deliverOutbound, deliverInput(id));
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(sim.messagesWithExternalId(id)).toHaveLength(1);
    expect(await counter(metrics.sendDuplicates, { kind: 'possible' })).toBe(possible + 1);
  });
});

import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOptedOut } from '../../../db/repositories/consent.js';
import { consentEvents, conversations, events, messageStatusEvents, messages } from '../../../db/schema/index.js';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { createAccount, dlrBody, postCallback, ref, type TestAccount } from './support.js';

let s: TestStack;
let acc: TestAccount;
let otherAcc: TestAccount;
let conversationId: string;
const SUPPORT = '14252306549';
const CUSTOMER = '15552220001';

beforeAll(async () => {
  s = await createTestStack({ worker: false });
  acc = await createAccount(s.db.db, s.config, { numbers: [SUPPORT] });
  otherAcc = await createAccount(s.db.db, s.config, { numbers: ['14259990001'] });
  conversationId = randomUUID();
  await s.db.db.insert(conversations).values({
    id: conversationId,
    workflowId: 'wf-dlr-test',
    runId: 'run',
    accountId: acc.id,
    customerNumber: CUSTOMER,
    supportNumber: SUPPORT,
  });
});
afterAll(() => s.close());

async function outbound(providerReferenceId: string | null = null) {
  const id = randomUUID();
  await s.db.db.insert(messages).values({
    id,
    conversationId,
    direction: 'outbound',
    text: 'Your order shipped',
    status: providerReferenceId ? 'sent' : 'queued',
    providerReferenceId,
  });
  return id;
}
const message = async (id: string) => (await s.db.db.select().from(messages).where(eq(messages.id, id)))[0]!;
const history = async (id: string) =>
  (await s.db.db.select().from(messageStatusEvents).where(eq(messageStatusEvents.messageId, id))).map(
    (r) => r.statusCode,
  );

describe('delivery reports', () => {
  it('finds the message by external_id before the send response recorded the reference, and publishes message.status', async () => {
    const id = await outbound();
    const referenceId = ref();
    const res = await postCallback(s.app, acc, dlrBody({ referenceId, code: 203, externalId: id }));
    expect(res.status).toBe(200);
    expect(await message(id)).toMatchObject({
      status: 'sent',
      providerStatusCode: 203,
      providerReferenceId: referenceId,
    });
    const ev = await s.db.db.select().from(events).where(eq(events.type, 'message.status'));
    expect(
      ev.some((e) => e.data.messageId === id && e.data.status === 'sent' && e.conversationId === conversationId),
    ).toBe(true);
  });

  it('finds the message by reference_id when external_id is absent, and lands on delivered', async () => {
    const referenceId = ref();
    const id = await outbound(referenceId);
    await postCallback(s.app, acc, dlrBody({ referenceId, code: 203 }));
    await postCallback(s.app, acc, dlrBody({ referenceId, code: 200 }));
    expect(await message(id)).toMatchObject({ status: 'delivered', providerStatusCode: 200 });
    expect(await history(id)).toEqual([203, 200]);
  });

  it('never lets a late intermediate report overwrite a final one (out of order)', async () => {
    const referenceId = ref();
    const id = await outbound(referenceId);
    await postCallback(s.app, acc, dlrBody({ referenceId, code: 200, externalId: id }));
    await postCallback(s.app, acc, dlrBody({ referenceId, code: 203, externalId: id }));
    expect(await message(id)).toMatchObject({ status: 'delivered', providerStatusCode: 200 });
    expect(await history(id)).toEqual([200, 203]);
  });

  it('applies a repeated (reference_id, status) pair once', async () => {
    const referenceId = ref();
    const id = await outbound(referenceId);
    for (let i = 0; i < 3; i++) {
      expect((await postCallback(s.app, acc, dlrBody({ referenceId, code: 210, externalId: id }))).status).toBe(200);
    }
    expect(await message(id)).toMatchObject({ status: 'failed', providerStatusCode: 210 });
    expect(await history(id)).toEqual([210]);
  });

  it('marks the customer opted out on 510 (source dlr:510), once', async () => {
    const referenceId = ref();
    const id = await outbound(referenceId);
    expect(await isOptedOut(s.db.db, SUPPORT, CUSTOMER)).toBe(false);
    await postCallback(s.app, acc, dlrBody({ referenceId, code: 510, externalId: id }));
    await postCallback(s.app, acc, dlrBody({ referenceId, code: 510, externalId: id, subResource: false }));
    expect(await message(id)).toMatchObject({ status: 'blocked', providerStatusCode: 510 });
    expect(await isOptedOut(s.db.db, SUPPORT, CUSTOMER)).toBe(true);
    const evs = await s.db.db.select().from(consentEvents).where(eq(consentEvents.customerNumber, CUSTOMER));
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({ optedOut: true, source: 'dlr:510' });
  });

  it("ignores a report signed by another account for this account's message", async () => {
    const referenceId = ref();
    const id = await outbound(referenceId);
    expect((await postCallback(s.app, otherAcc, dlrBody({ referenceId, code: 200, externalId: id }))).status).toBe(200);
    expect(await message(id)).toMatchObject({ status: 'sent', providerStatusCode: null });
  });

  it('parses RFC 1123 dates and numeric-string codes', async () => {
    const referenceId = ref();
    const id = await outbound(referenceId);
    const body = {
      reference_id: referenceId,
      status: { code: '200', description: 'Delivered to handset', updated_on: 'Thu, 23 Jun 2022 19:03:44 GMT' },
      sub_resource: 'sms',
      additional_info: { message_parts_count: '2' },
    };
    expect((await postCallback(s.app, acc, body)).status).toBe(200);
    expect(await message(id)).toMatchObject({ status: 'delivered', providerStatusCode: 200 });
    const [h] = await s.db.db.select().from(messageStatusEvents).where(eq(messageStatusEvents.messageId, id));
    expect(h!.providerUpdatedAt?.toISOString()).toBe('2022-06-23T19:03:44.000Z');
  });
});

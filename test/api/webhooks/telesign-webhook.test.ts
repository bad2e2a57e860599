import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../app/create-app.js';
import { createDb } from '../../../db/client.js';
import { inbox, settings } from '../../../db/schema/index.js';
import { createLogger } from '../../../lib/logger.js';
import { callbackHeaders, signCallback } from '../../../telesign/signature.js';
import { createTestStack, eventually, type TestStack } from '../../support/stack.js';
import { createAccount, dlrBody, moBody, postCallback, ref, type TestAccount } from './support.js';

let s: TestStack;
let acc: TestAccount;
let other: TestAccount;
const SUPPORT = '14252306549';

beforeAll(async () => {
  s = await createTestStack();
  acc = await createAccount(s.db.db, s.config, { numbers: [SUPPORT], unservedNumbers: ['14250000000'] });
  other = await createAccount(s.db.db, s.config, { numbers: ['14259990000'] });
});
afterAll(() => s.close());

const inboxRows = (referenceId: string) => s.db.db.select().from(inbox).where(eq(inbox.referenceId, referenceId));
const transcript = (referenceId: string) =>
  s.db.sql`select id, text from messages where provider_reference_id = ${referenceId}`;

describe('callback authentication', () => {
  const cases: [string, (raw: string) => Record<string, string>][] = [
    ['no signature headers', () => ({})],
    [
      'a forged signature',
      () => ({ Authorization: `TSA ${acc.customerId}:${Buffer.alloc(32, 1).toString('base64')}` }),
    ],
    ['a signature made with another account key', (raw) => callbackHeaders(acc.customerId, other.apiKey, raw)],
    ['the right key but another customer id', (raw) => callbackHeaders(other.customerId, acc.apiKey, raw)],
    [
      'a valid Authorization with a forged X-TS-Authorization',
      (raw) => ({
        ...callbackHeaders(acc.customerId, acc.apiKey, raw),
        'X-TS-Authorization': signCallback(other.apiKey, raw),
      }),
    ],
    [
      'a Basic Authorization header',
      () => ({ Authorization: `Basic ${Buffer.from(`${acc.customerId}:${acc.apiKey}`).toString('base64')}` }),
    ],
    ['a signature over a different body', () => callbackHeaders(acc.customerId, acc.apiKey, '{}')],
  ];
  it.each(cases)('answers 401 and stores nothing for %s', async (_name, headers) => {
    const body = moBody({ from: '15551110001', to: SUPPORT, text: 'hello' });
    const raw = JSON.stringify(body);
    const res = await postCallback(s.app, acc, body, { raw, headers: headers(raw) });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    // The same answer whichever check failed: a reason such as wrong_customer would confirm a guessed customer ID.
    expect((await res.json()).detail).toBe('the TeleSign signature is not valid');
    expect(await inboxRows(body.reference_id)).toHaveLength(0);
  });

  it.each([
    ['only X-TS-Authorization', (raw: string) => ({ 'X-TS-Authorization': signCallback(acc.apiKey, raw) })],
    [
      'only Authorization: TSA',
      (raw: string) => ({ Authorization: `TSA ${acc.customerId}:${signCallback(acc.apiKey, raw)}` }),
    ],
  ])('accepts a callback signed with %s', async (_n, headers) => {
    const body = moBody({ from: '15551110002', to: SUPPORT, text: 'signed' });
    const raw = JSON.stringify(body);
    const res = await postCallback(s.app, acc, body, { raw, headers: headers(raw) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(await inboxRows(body.reference_id)).toHaveLength(1);
  });

  it('verifies the exact bytes: whitespace TeleSign sent is part of the signature', async () => {
    const body = moBody({ from: '15551110003', to: SUPPORT, text: 'spaced' });
    const raw = JSON.stringify(body, null, 2);
    const res = await postCallback(s.app, acc, body, { raw });
    expect(res.status).toBe(200);
  });
});

describe('inbound SMS', () => {
  it('stores an MO before answering and hands it to exactly one conversation', async () => {
    const body = moBody({ from: '15551110010', to: SUPPORT, text: 'Where is my order?' });
    const res = await postCallback(s.app, acc, body);
    expect(res.status).toBe(200);
    const [row] = await inboxRows(body.reference_id);
    expect(row).toMatchObject({ kind: 'mo_sms', accountId: acc.id });
    const delivered = await eventually(async () => {
      const [r] = await inboxRows(body.reference_id);
      return r?.status === 'delivered' ? r : undefined;
    });
    expect(delivered.workflowId).toContain(SUPPORT);
    await eventually(async () => (await transcript(body.reference_id)).length === 1);
  });

  it('acknowledges a replayed reference_id and keeps one inbox row and one transcript message', async () => {
    const body = moBody({ from: '15551110011', to: SUPPORT, text: 'only once' });
    for (let i = 0; i < 3; i++) expect((await postCallback(s.app, acc, body)).status).toBe(200);
    expect(await inboxRows(body.reference_id)).toHaveLength(1);
    await eventually(async () => (await transcript(body.reference_id)).length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await transcript(body.reference_id)).toHaveLength(1);
  });

  it('acknowledges a concurrent burst (retries inside it included) and ends every MO in one transcript once', async () => {
    const bodies = Array.from({ length: 40 }, (_, i) =>
      moBody({ from: `1555222${String(i).padStart(4, '0')}`, to: SUPPORT, text: `burst ${i}` }),
    );
    const posts = [...bodies, bodies[3]!, bodies[3]!, bodies[17]!].map((b) => postCallback(s.app, acc, b));
    expect((await Promise.all(posts)).map((r) => r.status)).toEqual(Array(43).fill(200));
    for (const b of bodies) expect(await inboxRows(b.reference_id)).toHaveLength(1);
    await eventually(async () => {
      const counts = await Promise.all(bodies.map(async (b) => (await transcript(b.reference_id)).length));
      return counts.every((n) => n === 1);
    }, 60_000);
  });

  it("hands one customer's SMS to the conversation in the order they were acknowledged", async () => {
    const from = '15551110099';
    const bodies = Array.from({ length: 8 }, (_, i) => moBody({ from, to: SUPPORT, text: `part ${i}` }));
    for (const b of bodies) expect((await postCallback(s.app, acc, b)).status).toBe(200);
    const texts = await eventually(async () => {
      const rows = (await s.db.sql`
        select m.text from messages m join conversations c on c.id = m.conversation_id
        where c.customer_number = ${from} and m.direction = 'inbound' order by m.created_at, m.seq`) as unknown as {
        text: string;
      }[];
      return rows.length === bodies.length ? rows.map((r) => r.text) : undefined;
    });
    expect(texts).toEqual(bodies.map((b) => b.user_response.mo_message));
  });

  it('records an MO to a number no channel serves as unroutable and starts nothing', async () => {
    for (const to of ['14250000000', '19999999999', '14259990000']) {
      const body = moBody({ from: '15551110012', to, text: 'anyone?' });
      expect((await postCallback(s.app, acc, body)).status).toBe(200);
      const [row] = await inboxRows(body.reference_id);
      expect(row?.status).toBe('unroutable');
    }
    const list = await s.app.request('/api/v1/inbox?status=unroutable', { headers: s.adminHeaders });
    expect(list.status).toBe(200);
    const items = (await list.json()).items as { status: string; payload: { user_response: { sender_id: string } } }[];
    expect(items.length).toBe(3);
    expect(items.every((i) => i.status === 'unroutable')).toBe(true);
  });

  it('holds MOs while the SMS channel is switched off', async () => {
    await s.db.db.update(settings).set({ smsEnabled: false }).where(eq(settings.id, 1));
    try {
      const body = moBody({ from: '15551110013', to: SUPPORT, text: 'are you there' });
      expect((await postCallback(s.app, acc, body)).status).toBe(200);
      const [row] = await inboxRows(body.reference_id);
      expect(row?.status).toBe('held');
      await new Promise((r) => setTimeout(r, 800));
      expect(await transcript(body.reference_id)).toHaveLength(0);
      const held = await s.app.request('/api/v1/inbox?status=held', { headers: s.adminHeaders });
      expect((await held.json()).items.map((i: { referenceId: string }) => i.referenceId)).toContain(body.reference_id);
    } finally {
      await s.db.db.update(settings).set({ smsEnabled: true }).where(eq(settings.id, 1));
    }
  });

  it('keeps a text over 1,600 characters whole and flags it', async () => {
    const text = 'x'.repeat(1700);
    const body = moBody({ from: '15551110014', to: SUPPORT, text });
    expect((await postCallback(s.app, acc, body)).status).toBe(200);
    const [row] = await inboxRows(body.reference_id);
    expect(row?.flags).toEqual({ textOverLimit: true });
    expect((row!.payload as { user_response: { mo_message: string } }).user_response.mo_message).toHaveLength(1700);
    const [msg] = await eventually(async () => {
      const r = await transcript(body.reference_id);
      return r.length ? r : undefined;
    });
    expect(msg!.text).toHaveLength(1700);
  });
});

describe('other callbacks and bad requests', () => {
  it('records other sub_resources as ignored and answers 200', async () => {
    const body = { reference_id: ref(), sub_resource: 'bulk_sms', status: { code: 293 } };
    expect((await postCallback(s.app, acc, body)).status).toBe(200);
    const [row] = await inboxRows(body.reference_id);
    expect(row).toMatchObject({ kind: 'other', status: 'ignored' });
  });

  it('records a delivery report for an unknown reference as ignored and answers 200', async () => {
    const referenceId = ref();
    expect((await postCallback(s.app, acc, dlrBody({ referenceId, code: 200 }))).status).toBe(200);
    const [row] = await inboxRows(referenceId);
    expect(row).toMatchObject({ kind: 'dlr', status: 'ignored' });
  });

  it('treats status + reference_id without sub_resource as a delivery report', async () => {
    const referenceId = ref();
    expect((await postCallback(s.app, acc, dlrBody({ referenceId, code: 203, subResource: false }))).status).toBe(200);
    const [row] = await inboxRows(referenceId);
    expect(row?.kind).toBe('dlr');
  });

  it('answers 404 for an unknown, malformed or disabled account', async () => {
    const disabled = await createAccount(s.db.db, s.config, { enabled: false });
    const body = moBody({ from: '15551110020', to: SUPPORT, text: 'x' });
    for (const target of [{ ...acc, id: crypto.randomUUID() }, { ...acc, id: 'not-a-uuid' }, disabled]) {
      const res = await postCallback(s.app, target, body);
      expect(res.status).toBe(404);
    }
    expect(await inboxRows(body.reference_id)).toHaveLength(0);
  });

  it('answers 400 to a signed body that is not JSON, storing nothing', async () => {
    const before = await s.db.db.$count(inbox);
    const res = await postCallback(s.app, acc, null, { raw: 'reference_id=1&status=200' });
    expect(res.status).toBe(400);
    expect(await s.db.db.$count(inbox)).toBe(before);
  });

  it('answers 413 to 64 KiB + 1 byte and accepts exactly 64 KiB', async () => {
    const limit = s.config.WEBHOOK_MAX_BODY_BYTES;
    expect(limit).toBe(64 * 1024);
    const sized = (size: number) => {
      const body = moBody({ from: '15551110021', to: SUPPORT, text: '' });
      const skeleton = JSON.stringify(body).length;
      body.user_response.mo_message = 'a'.repeat(size - skeleton);
      const raw = JSON.stringify(body);
      expect(Buffer.byteLength(raw)).toBe(size);
      return { body, raw };
    };
    const big = sized(limit + 1);
    const res = await postCallback(s.app, acc, big.body, { raw: big.raw });
    expect(res.status).toBe(413);
    expect(await inboxRows(big.body.reference_id)).toHaveLength(0);
    const ok = sized(limit);
    expect((await postCallback(s.app, acc, ok.body, { raw: ok.raw })).status).toBe(200);
  });

  it('answers 503 problem+json when Postgres is unreachable, so TeleSign retries', async () => {
    const dead = createDb('postgres://nobody@127.0.0.1:1/none');
    try {
      const app = createApp({
        config: s.config,
        db: dead.db,
        sql: dead.sql,
        temporal: s.temporal,
        logger: createLogger('silent'),
      });
      const res = await postCallback(app, acc, moBody({ from: '15551110022', to: SUPPORT, text: 'x' }));
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    } finally {
      await dead.close();
    }
  });

  it('lists the inbox only for admins', async () => {
    expect((await s.app.request('/api/v1/inbox?status=held')).status).toBe(401);
    expect((await s.app.request('/api/v1/inbox?status=bogus', { headers: s.adminHeaders })).status).toBe(422);
  });
});

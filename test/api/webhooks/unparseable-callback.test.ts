import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox } from '../../../db/schema/index.js';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { createAccount, moBody, postCallback, ref, type TestAccount } from './support.js';

// A signed callback TeleSign would never send (nested thousands of levels, or tens of thousands of values) is stored
// raw, marked unparseable and acknowledged, so TeleSign stops retrying and admins see it; it never overflows the stack.

let s: TestStack;
let acc: TestAccount;
const SUPPORT = '14252306111';

beforeAll(async () => {
  s = await createTestStack({ worker: false });
  acc = await createAccount(s.db.db, s.config, { numbers: [SUPPORT] });
});
afterAll(() => s?.close());

const rowsWithRaw = (raw: string) => s.db.db.select().from(inbox).where(eq(inbox.rawBody, raw));

describe('unparseable signed callbacks', () => {
  it('a callback nested 5,000 levels deep → 200, stored raw as ignored with the reason, shown to admins', async () => {
    const referenceId = ref();
    const raw = `{"reference_id":"${referenceId}","sub_resource":"mo_sms","x":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    const res = await postCallback(s.app, acc, null, { raw });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const [row] = await rowsWithRaw(raw);
    expect(row).toMatchObject({
      kind: 'other',
      status: 'ignored',
      rawBody: raw,
      lastError: 'unparseable: JSON nested deeper than 32 levels',
      payload: { unparseable: 'unparseable: JSON nested deeper than 32 levels' },
    });
    // TeleSign's retry of the same body is acknowledged and stored once.
    expect((await postCallback(s.app, acc, null, { raw })).status).toBe(200);
    expect(await rowsWithRaw(raw)).toHaveLength(1);
    const list = await s.app.request('/api/v1/inbox?status=ignored', { headers: s.adminHeaders });
    const items = (await list.json()).items as { id: string; lastError: string }[];
    expect(items.find((i) => i.id === row?.id)?.lastError).toMatch(/unparseable/);
  });

  it('an array nested as deep as the 64 KiB limit allows → 200 and stored, never 500', async () => {
    const depth = 30_000;
    const raw = `{"sub_resource":"sms","status":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const res = await postCallback(s.app, acc, null, { raw });
    expect(res.status).toBe(200);
    expect(await rowsWithRaw(raw)).toHaveLength(1);
  });

  it('a flat body with more values than any callback has → 200, stored as unparseable', async () => {
    const raw = JSON.stringify({ sub_resource: 'sms', v: Array.from({ length: 12_000 }, () => 0) });
    expect((await postCallback(s.app, acc, null, { raw })).status).toBe(200);
    const [row] = await rowsWithRaw(raw);
    expect(row?.lastError).toBe('unparseable: more than 10000 JSON values');
  });

  it('an ordinary MO still goes through (the limits leave real callbacks alone)', async () => {
    const body = moBody({ from: '15551119999', to: SUPPORT, text: 'hello' });
    expect((await postCallback(s.app, acc, body)).status).toBe(200);
    const [row] = await s.db.db.select().from(inbox).where(eq(inbox.referenceId, body.reference_id));
    expect(row).toMatchObject({ kind: 'mo_sms', payload: body });
  });
});

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inbox, settings } from '../../../db/schema/index.js';
import { startInboxRelay } from '../../../inbox/relay.js';
import { createLogger } from '../../../lib/logger.js';
import { createTestStack, eventually, type TestStack } from '../../support/stack.js';
import { createAccount, moBody, postCallback, type TestAccount } from './support.js';

let s: TestStack;
let acc: TestAccount;
const SUPPORT = '14252306777';

beforeAll(async () => {
  s = await createTestStack();
  acc = await createAccount(s.db.db, s.config, { numbers: [SUPPORT] });
});
afterAll(() => s.close());

const setSms = (on: boolean) => s.db.db.update(settings).set({ smsEnabled: on }).where(eq(settings.id, 1));
const release = (body: unknown = {}) =>
  s.app.request('/api/v1/inbox/release-held', {
    method: 'POST',
    headers: { ...s.adminHeaders, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('releasing SMS held while the channel was switched off', () => {
  it('refuses while SMS is still disabled, then hands held texts to their conversations once released', async () => {
    await setSms(false);
    const body = moBody({ from: '15551119001', to: SUPPORT, text: 'sent while you were closed' });
    expect((await postCallback(s.app, acc, body)).status).toBe(200);
    const refused = await release();
    expect(refused.status).toBe(409);
    expect((await refused.json()).errors).toEqual([{ path: 'smsEnabled', message: 'must be true' }]);

    await setSms(true);
    const relay = startInboxRelay(
      { db: s.db.db, temporal: s.temporal, config: s.config, logger: createLogger('silent') },
      { intervalMs: 100 },
    );
    try {
      const res = await release({ accountId: acc.id });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ released: 1 });
      const msg = await eventually(async () => {
        const [m] = await s.db.sql`select text from messages where provider_reference_id = ${body.reference_id}`;
        return m;
      });
      expect(msg.text).toBe('sent while you were closed');
      const [row] = await s.db.db.select().from(inbox).where(eq(inbox.referenceId, body.reference_id));
      expect(row?.status).toBe('delivered');
      expect(await (await release()).json()).toEqual({ released: 0 });
    } finally {
      await relay.stop();
    }
  });

  it('is for admins only', async () => {
    const res = await s.app.request('/api/v1/inbox/release-held', { method: 'POST' });
    expect(res.status).toBe(401);
  });
});

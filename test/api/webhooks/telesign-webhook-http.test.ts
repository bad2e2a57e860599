import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../../api/server.js';
import { inbox } from '../../../db/schema/index.js';
import { callbackHeaders } from '../../../telesign/signature.js';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { createAccount, moBody, type TestAccount } from './support.js';

/**
 * The webhook over real HTTP (@hono/node-server), where it reads headers and body from node's request directly
 * instead of through a WHATWG Request (api/webhooks/read-body.ts): the limits and the signature must hold there too.
 */
let s: TestStack;
let acc: TestAccount;
let server: { port: number; close: () => Promise<void> };
const SUPPORT = '14252306551';

beforeAll(async () => {
  s = await createTestStack({ worker: false });
  acc = await createAccount(s.db.db, s.config, { numbers: [SUPPORT] });
  server = await listen(s.app, 0, '127.0.0.1');
});
afterAll(async () => {
  await server?.close();
  await s.close();
});

const url = () => `http://127.0.0.1:${server.port}/webhooks/telesign/${acc.id}`;
const rows = (referenceId: string) => s.db.db.select().from(inbox).where(eq(inbox.referenceId, referenceId));

/** A body of exactly `size` bytes. */
function sized(size: number) {
  const body = moBody({ from: '15551110031', to: SUPPORT, text: '' });
  body.user_response.mo_message = 'a'.repeat(size - JSON.stringify(body).length);
  return { body, raw: JSON.stringify(body) };
}

/** The body as a stream: fetch sends it chunked, without a Content-Length. */
const chunked = (raw: string) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      const bytes = new TextEncoder().encode(raw);
      for (let i = 0; i < bytes.length; i += 4096) c.enqueue(bytes.subarray(i, i + 4096));
      c.close();
    },
  });

const post = (raw: string, opts: { chunked?: boolean; headers?: Record<string, string> } = {}) =>
  fetch(url(), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(opts.headers ?? callbackHeaders(acc.customerId, acc.apiKey, raw)),
    },
    body: opts.chunked ? chunked(raw) : raw,
    ...(opts.chunked ? { duplex: 'half' } : {}),
  } as RequestInit);

describe('TeleSign webhook over HTTP', () => {
  it('stores a signed MO sent with a Content-Length, and one sent chunked', async () => {
    for (const asChunks of [false, true]) {
      const body = moBody({ from: '15551110030', to: SUPPORT, text: `hello ${asChunks}` });
      const res = await post(JSON.stringify(body), { chunked: asChunks });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
      expect(await rows(body.reference_id)).toHaveLength(1);
    }
  });

  it('answers 413 problem+json past the limit, by Content-Length or while reading chunks, and takes exactly the limit', async () => {
    const limit = s.config.WEBHOOK_MAX_BODY_BYTES;
    for (const asChunks of [false, true]) {
      const big = sized(limit + 1);
      const res = await post(big.raw, { chunked: asChunks });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(await rows(big.body.reference_id)).toHaveLength(0);
      const ok = sized(limit);
      expect((await post(ok.raw, { chunked: asChunks })).status).toBe(200);
    }
  });

  it('answers 401 to a forged signature and keeps the security headers on the answer', async () => {
    const body = moBody({ from: '15551110032', to: SUPPORT, text: 'forged' });
    const raw = JSON.stringify(body);
    const res = await post(raw, {
      headers: callbackHeaders(acc.customerId, Buffer.alloc(32, 7).toString('base64'), raw),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await rows(body.reference_id)).toHaveLength(0);
    const good = await post(raw);
    expect(good.status).toBe(200);
    expect(good.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMITS, bodyLimitNameFor } from '../../../api/middleware/body-limit.js';
import { listen } from '../../../api/server.js';
import { createTestStack, TEST_ADMIN_TOKEN, type TestStack } from '../../support/stack.js';

// Every route has a body limit, applied before the body is read: a huge upload is refused with 413 while it is still
// being sent, and the process never holds more than the route's limit of it.
let s: TestStack;
let server: { port: number; close: () => Promise<void> };

beforeAll(async () => {
  s = await createTestStack({ worker: false });
  server = await listen(s.app, 0, '127.0.0.1');
});
afterAll(async () => {
  await server?.close();
  await s?.close();
});

const MiB = 1024 * 1024;

/**
 * Streams up to `totalMiB` of body to `path` (chunked, or with an honest Content-Length when `declareLength`), 1 MiB
 * at a time, stopping as soon as the response arrives. Reports the status, how long it took and how much was sent.
 */
function streamBody(
  path: string,
  headers: Record<string, string>,
  opts: { totalMiB: number; declareLength?: boolean },
): Promise<{ status: number; ms: number; sentMiB: number; body: string; contentType: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let sent = 0;
    let answered = false;
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: 'POST',
        headers: opts.declareLength ? { ...headers, 'content-length': String(opts.totalMiB * MiB) } : headers,
      },
      (res) => {
        answered = true;
        const ms = performance.now() - started;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => {
          req.destroy();
          resolve({
            status: res.statusCode ?? 0,
            ms,
            sentMiB: sent / MiB,
            body,
            contentType: String(res.headers['content-type']),
          });
        });
      },
    );
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const chunk = Buffer.alloc(MiB, 'a');
    const pump = () => {
      while (!answered && sent < opts.totalMiB * MiB) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('body limits', () => {
  it('every route but the webhook has a limit; sign-in a few KiB, agent actions less than setup routes', () => {
    expect(bodyLimitNameFor('/app/login')).toBe('signIn');
    expect(BODY_LIMITS.signIn).toBeLessThanOrEqual(8 * 1024);
    expect(bodyLimitNameFor('/api/v1/conversations/abc/messages')).toBe('agentAction');
    expect(bodyLimitNameFor('/api/v1/routing-rules')).toBe('api');
    expect(BODY_LIMITS.agentAction).toBeLessThan(BODY_LIMITS.api);
    expect(bodyLimitNameFor('/admin')).toBe('other');
    expect(bodyLimitNameFor('/webhooks/telesign/x')).toBeNull();
  });

  it.each([
    ['/app/login (no sign-in needed)', '/app/login', { 'content-type': 'application/x-www-form-urlencoded' }],
    [
      'an agent action',
      `/api/v1/conversations/${crypto.randomUUID()}/messages`,
      { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    ],
  ])(
    'a 200 MiB chunked body to %s is refused with 413 problem+json while it is being sent, not buffered',
    async (_, path, headers) => {
      const rssBefore = process.memoryUsage().rss;
      const res = await streamBody(path, headers as Record<string, string>, { totalMiB: 200 });
      console.log(
        `[body-limit] ${path}: 413 after ${res.ms.toFixed(0)} ms, ${res.sentMiB} MiB sent, rss +${((process.memoryUsage().rss - rssBefore) / MiB).toFixed(1)} MiB`,
      );
      expect(res.status).toBe(413);
      expect(res.contentType).toMatch(/application\/problem\+json/);
      expect(JSON.parse(res.body).detail).toMatch(/larger than \d+ bytes/);
      // Refused long before the upload could finish: the server stopped reading after its limit.
      expect(res.sentMiB).toBeLessThan(50);
      expect(res.ms).toBeLessThan(5_000);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MiB);
    },
  );

  it('a declared Content-Length over the limit is refused from the header alone', async () => {
    const res = await streamBody(
      '/app/login',
      { 'content-type': 'application/x-www-form-urlencoded' },
      {
        totalMiB: 200,
        declareLength: true,
      },
    );
    expect(res.status).toBe(413);
    expect(res.sentMiB).toBeLessThan(50);
  });

  it('a setup route accepts a body under its limit and refuses one over it', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(BODY_LIMITS.api) });
    const over = await s.app.request('/api/v1/queues', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...s.adminHeaders },
      body: big,
    });
    expect(over.status).toBe(413);
    const ok = await s.app.request('/api/v1/queues', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...s.adminHeaders },
      body: JSON.stringify({ name: `q-${crypto.randomUUID()}` }),
    });
    expect(ok.status).toBe(201);
  });

  it('a reply of 1,600 four-byte characters fits the agent action limit', () => {
    const json = JSON.stringify({ text: '😀'.repeat(800) });
    expect(Buffer.byteLength(json)).toBeLessThan(BODY_LIMITS.agentAction);
  });
});

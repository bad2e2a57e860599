import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { listen } from '../../api/server.js';
import type { App } from '../../app/create-app.js';

describe('API shutdown drains in-flight requests', () => {
  it('close() stops accepting but lets a running request finish', async () => {
    const app = new Hono();
    app.get('/slow', async (c) => {
      await new Promise((r) => setTimeout(r, 500));
      return c.text('done');
    });
    const server = await listen(app as unknown as App, 0, '127.0.0.1');
    const inFlight = fetch(`http://127.0.0.1:${server.port}/slow`);
    await new Promise((r) => setTimeout(r, 150));
    const closed = server.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('done');
    await closed;
    await expect(fetch(`http://127.0.0.1:${server.port}/slow`)).rejects.toThrow();
  });
});

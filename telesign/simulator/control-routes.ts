import type { Hono } from 'hono';
import { phoneSend } from './delivery.js';
import { type AddAccountInput, type Faults, publicAccount, type SimState } from './state.js';
import { simulatorPage } from './ui.js';

/** The control API under /sim (JSON): the "portal" (accounts, callback URLs, numbers), the phones, faults, callbacks. */
export function addControlRoutes(app: Hono, s: SimState): void {
  app.get('/sim', (c) => c.html(simulatorPage()));
  app.get('/sim/accounts', (c) => c.json([...s.accounts.values()].map(publicAccount)));
  app.post('/sim/accounts', async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as Partial<AddAccountInput>;
    return c.json(publicAccount(s.addAccount(b)), 201);
  });
  app.put('/sim/accounts/:customerId/callback-url', async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as { url?: string | null };
    if (b.url && !URL.canParse(b.url)) return c.json({ error: 'url is not a valid URL' }, 422);
    if (!s.setCallbackUrl(c.req.param('customerId'), b.url || null)) return c.json({ error: 'unknown customer' }, 404);
    return c.json(publicAccount(s.findAccount(c.req.param('customerId'))!));
  });
  app.post('/sim/accounts/:customerId/numbers', async (c) => {
    const a = s.findAccount(c.req.param('customerId'));
    const b = (await c.req.json().catch(() => ({}))) as { number?: string };
    if (!a) return c.json({ error: 'unknown customer' }, 404);
    if (!b.number || !/^\d{3,15}$/.test(b.number)) return c.json({ error: 'number must be digits' }, 422);
    a.numbers.add(b.number);
    return c.json(publicAccount(a));
  });
  app.get('/sim/phones/:number/messages', (c) => {
    const n = c.req.param('number');
    return c.json({ number: n, messages: s.phoneState(n).messages });
  });
  app.post('/sim/phones/:number/messages', async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as {
      to?: string;
      text?: string;
      media?: { contentType?: string; base64?: string }[];
    };
    if (!b.to || typeof b.text !== 'string') return c.json({ error: '{ to, text } is required' }, 422);
    const files = (Array.isArray(b.media) ? b.media : []).slice(0, 10).map((m) => ({
      contentType: typeof m.contentType === 'string' ? m.contentType : 'application/octet-stream',
      bytes: Buffer.from(typeof m.base64 === 'string' ? m.base64 : '', 'base64'),
    }));
    const r = phoneSend(s, c.req.param('number'), b.to, b.text, files);
    if ('error' in r) return c.json({ error: r.error }, 404);
    await Promise.race([r.done, new Promise((res) => setTimeout(res, s.config.retry.timeoutMs + 500))]);
    return c.json({ referenceId: r.referenceId, callback: r.record }, 202);
  });
  app.get('/sim/media/:id', (c) => {
    const m = s.media.get(c.req.param('id'));
    if (!m) return c.json({ error: 'no such media' }, 404);
    return c.body(new Uint8Array(m.bytes), 200, { 'Content-Type': m.contentType });
  });
  app.put('/sim/phones/:number/settings', async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as { deliveryCode?: number; optedOutFrom?: string[] };
    const p = s.phoneState(c.req.param('number'));
    if (typeof b.deliveryCode === 'number') p.deliveryCode = b.deliveryCode;
    if (Array.isArray(b.optedOutFrom)) p.optedOut = new Set(b.optedOutFrom);
    return c.json({ deliveryCode: p.deliveryCode, optedOutFrom: [...p.optedOut] });
  });
  app.get('/sim/callbacks', (c) => c.json(s.callbacks.map(({ body: _b, ...r }) => r)));
  app.get('/sim/faults', (c) => c.json(s.faults));
  app.post('/sim/faults', async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as Partial<Faults>;
    s.setFaults(b);
    return c.json(s.faults);
  });
  app.delete('/sim/faults', (c) => {
    s.resetFaults();
    return c.json(s.faults);
  });
}

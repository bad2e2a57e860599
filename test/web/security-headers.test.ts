import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../app/create-app.js';
import { createLogger } from '../../lib/logger.js';
import { createAgent } from '../support/seed.js';
import { TEST_ADMIN_TOKEN } from '../support/stack.js';
import { cspViolations, signIn, watchCsp } from './browser.js';
import { browserHarness } from './harness.js';

// Browser hardening in a real Chromium: the headers every page carries, that the pages work under the CSP, that the
// API docs page keeps no token, and that a session cookie copied before sign-out is useless after it.
const h = browserHarness({ worker: false, csp: 'discard' });

const PAGES = ['/app', '/admin', '/api/docs'];

describe('browser security headers', () => {
  it.each(PAGES)(
    '%s carries a strict CSP, frame-ancestors none, DENY, nosniff and a Referrer-Policy; no HSTS on http',
    async (path) => {
      const res = await fetch(`${h.base}${path}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('strict-transport-security')).toBeNull();
      const html = await res.text();
      // No inline script anywhere: every <script> has a src.
      expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? []).toEqual([]);
    },
  );

  it('HSTS is sent when PUBLIC_BASE_URL is https', async () => {
    const app = createApp({
      config: { ...h.s.config, PUBLIC_BASE_URL: 'https://desk.example' },
      db: h.s.db.db,
      sql: h.s.db.sql,
      temporal: h.s.temporal,
      logger: createLogger('silent'),
    });
    const res = await app.request('https://desk.example/app');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
  });

  it('API errors carry the headers too', async () => {
    const res = await fetch(`${h.base}/api/v1/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('the CSP watcher sees a violation (so the page tests below can fail)', async () => {
    const context = await h.browser.newContext();
    const page = watchCsp(await context.newPage());
    await page.goto(`${h.base}/app`);
    await page.evaluate(() => {
      const el = document.createElement('script');
      el.textContent = 'window.__inline = 1';
      document.body.append(el);
    });
    await expect.poll(() => cspViolations.length).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { __inline?: number }).__inline)).toBeUndefined();
    await context.close();
  });

  it('another site cannot frame the workspace: Chromium refuses to render it in the frame', async () => {
    // Another origin (its own port) whose page embeds the sign-in page.
    const framer = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<iframe id="f" src="${h.base}/app"></iframe>`);
    });
    await new Promise<void>((r) => framer.listen(0, '127.0.0.1', r));
    const context = await h.browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
      const frame = await (await page.waitForSelector('#f')).contentFrame();
      // A refused frame is left on Chromium's error page: the sign-in form never renders in it.
      await expect.poll(() => frame!.url(), { timeout: 10_000 }).toMatch(/^chrome-error:/);
      expect(await frame!.locator('input[name="token"]').count()).toBe(0);
    } finally {
      await context.close();
      framer.close();
    }
  });
});

describe('pages under the CSP in Chromium', () => {
  it('sign-in, the agent workspace and the admin wizard load and wire up without a CSP violation', async () => {
    const agent = await createAgent(h.s.db.db);
    const a = await signIn(h.browser, h.base, agent.token, '/app');
    await a.page.locator('#presence').waitFor();
    await a.context.close();
    const b = await signIn(h.browser, h.base, TEST_ADMIN_TOKEN, '/admin');
    await b.page.getByLabel('Customer ID').waitFor();
    await b.context.close();
    expect(cspViolations).toEqual([]);
  });

  it('the API docs page renders Swagger UI without a violation and never puts a pasted token in storage', async () => {
    const context = await h.browser.newContext({ baseURL: h.base });
    const page = watchCsp(await context.newPage());
    await page.goto('/api/docs');
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 15_000 });
    // Expanding an operation renders its schemas and examples: still no violation.
    await page.locator('.opblock-summary').first().click();
    await page.locator('.opblock-body').first().waitFor();
    await page
      .getByRole('button', { name: /Authorize/ })
      .first()
      .click();
    await page.locator('.modal-ux input[type="text"], .modal-ux input[type="password"]').first().fill(TEST_ADMIN_TOKEN);
    await page.locator('.modal-ux button.authorize').first().click();
    await page.locator('.modal-ux button.close-modal').first().click();
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(stored).not.toContain(TEST_ADMIN_TOKEN);
    await page.reload();
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(TEST_ADMIN_TOKEN);
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('after sign-out in the browser, a copy of the session cookie taken before gets 401 and the sign-in form', async () => {
    const agent = await createAgent(h.s.db.db);
    const { context, page } = await signIn(h.browser, h.base, agent.token, '/app');
    const stolen = (await context.cookies()).find((c) => c.name === 'smsdesk_session');
    expect(stolen).toBeDefined();
    const cookie = `${stolen!.name}=${stolen!.value}`;
    expect((await fetch(`${h.base}/api/v1/me`, { headers: { cookie } })).status).toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel(/access token/i).waitFor();
    expect((await fetch(`${h.base}/api/v1/me`, { headers: { cookie } })).status).toBe(401);
    expect(await (await fetch(`${h.base}/app`, { headers: { cookie } })).text()).toContain('name="token"');
    await context.close();
    expect(cspViolations).toEqual([]);
  });
});

import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createAgent } from '../support/seed.js';
import { TEST_ADMIN_TOKEN } from '../support/stack.js';
import { waitReady, watchCsp } from './browser.js';
import { browserHarness } from './harness.js';

// Several identities in one browser: each sign-in is its own session in its own cookie, and each tab names the one it
// uses (?as=<slot>), so signing in as someone else in another tab leaves the first tab signed in as before.
const h = browserHarness({ worker: false, csp: 'ignore' });
const origin = 'http://smsdesk.test';

async function formSignIn(page: Page, path: string, token: string) {
  await page.goto(path);
  await page.getByLabel(/access token/i).fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitReady(page);
}

const meIn = (page: Page) =>
  page.evaluate(async () => {
    const as = new URLSearchParams(location.search).get('as');
    const res = await fetch('/api/v1/me', { headers: as ? { 'x-smsdesk-session': as } : {} });
    return res.ok ? ((await res.json()) as { name: string }).name : res.status;
  });

describe('several identities in one browser', () => {
  let context: BrowserContext;
  afterAll(async () => {
    await context?.close();
  });

  it('an admin tab stays the admin after an agent signs in in a second tab; each signs out alone', async () => {
    const agent = await createAgent(h.s.db.db, { name: 'Tab Two Agent', presence: 'offline' });
    context = await h.browser.newContext({ baseURL: h.base });
    const adminTab = watchCsp(await context.newPage());
    await formSignIn(adminTab, '/admin', TEST_ADMIN_TOKEN);
    expect(new URL(adminTab.url()).searchParams.get('as')).toMatch(/^[\w-]{8}$/);

    // Second tab, same cookie jar: "Sign in as someone else" from the admin's top bar, as the agent.
    const agentTab = watchCsp(await context.newPage());
    await agentTab.goto(`${new URL(adminTab.url()).pathname}?lang=en`);
    await agentTab.goto((await adminTab.getByRole('link', { name: 'Sign in as someone else' }).getAttribute('href'))!);
    await agentTab.getByLabel(/access token/i).fill(agent.token);
    await agentTab.getByRole('button', { name: 'Sign in' }).click();
    await agentTab.waitForURL(/\/admin/);
    // An agent landing on /admin is refused; its workspace is one link away.
    await agentTab.getByRole('link', { name: 'Agent workspace' }).click();
    await waitReady(agentTab);
    expect(await agentTab.locator('header').textContent()).toContain('Tab Two Agent');

    // The first tab still acts as the admin: its API calls, a reload, and a write through its own UI.
    expect(await meIn(adminTab)).not.toBe('Tab Two Agent');
    await adminTab.reload();
    await waitReady(adminTab);
    expect(await adminTab.locator('#wizard-error').textContent()).toBe('');
    await adminTab.locator('#queue-name').fill('Made by tab one');
    await adminTab.getByRole('button', { name: 'Add queue' }).click();
    await adminTab.locator('#queues input[value="Made by tab one"]').waitFor();
    // The agent tab writes as the agent (presence), also after a reload.
    await agentTab.reload();
    await waitReady(agentTab);
    await agentTab.getByLabel('Presence').selectOption('available');
    await expect
      .poll(async () => (await h.s.db.sql`select presence from users where id = ${agent.id}`)[0]?.presence)
      .toBe('available');
    expect(await meIn(agentTab)).toBe('Tab Two Agent');

    // Signing out in the agent tab leaves the admin tab signed in.
    await agentTab.getByRole('button', { name: 'Sign out' }).click();
    await agentTab.getByLabel(/access token/i).waitFor();
    expect(await meIn(adminTab)).not.toBe(401);
    await adminTab.reload();
    await waitReady(adminTab);
    expect(await adminTab.locator('#h-queues').count()).toBe(1);
  });
});

describe('session slots at the HTTP level', () => {
  const login = (token: string, cookie = '') =>
    h.s.app.request('http://smsdesk.test/app/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin, ...(cookie ? { cookie } : {}) },
      body: new URLSearchParams({ token, next: '/app' }).toString(),
    });
  const cookiesOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .filter((c) => !c.endsWith('='));

  it('each sign-in adds its own HttpOnly SameSite=Strict slot cookie and names the slot in the redirect', async () => {
    const a = await createAgent(h.s.db.db, { name: 'Slot A' });
    const b = await createAgent(h.s.db.db, { name: 'Slot B' });
    const first = await login(a.token);
    const slotA = new URL(first.headers.get('location')!, origin).searchParams.get('as')!;
    for (const c of first.headers.getSetCookie()) {
      expect(c).toMatch(/HttpOnly/i);
      expect(c).toMatch(/SameSite=Strict/i);
    }
    const jar = new Map(cookiesOf(first).map((c) => c.split('=') as [string, string]));
    expect([...jar.keys()].sort()).toEqual(['smsdesk_session', `smsdesk_session_${slotA}`]);
    const second = await login(b.token, [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const slotB = new URL(second.headers.get('location')!, origin).searchParams.get('as')!;
    for (const c of cookiesOf(second)) jar.set(...(c.split('=') as [string, string]));
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

    const me = async (headers: Record<string, string>) => {
      const res = await h.s.app.request('/api/v1/me', { headers: { cookie, ...headers } });
      return res.status === 200 ? (await res.json()).name : res.status;
    };
    expect(await me({ 'x-smsdesk-session': slotA })).toBe('Slot A');
    expect(await me({ 'x-smsdesk-session': slotB })).toBe('Slot B');
    // No slot named: the latest sign-in. An unknown or malformed slot: not signed in (never someone else).
    expect(await me({})).toBe('Slot B');
    expect(await me({ 'x-smsdesk-session': 'zzzzzzzz' })).toBe(401);
    expect(await me({ 'x-smsdesk-session': '../../x' })).toBe(401);
    // Pages choose the same way.
    expect(await (await h.s.app.request(`/app?as=${slotA}`, { headers: { cookie } })).text()).toContain('Slot A');
    expect(await (await h.s.app.request('/app?as=new', { headers: { cookie } })).text()).toContain('name="token"');
    // Writes still need the CSRF header, whatever the slot.
    const write = await h.s.app.request('/api/v1/me/presence', {
      method: 'PUT',
      headers: { cookie, 'x-smsdesk-session': slotA, 'content-type': 'application/json' },
      body: JSON.stringify({ presence: 'away' }),
    });
    expect(write.status).toBe(403);

    // Signing out slot A ends only A, server-side.
    const out = await h.s.app.request(`http://smsdesk.test/app/logout?as=${slotA}`, {
      method: 'POST',
      headers: { origin, cookie },
    });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().some((c) => c.startsWith(`smsdesk_session_${slotA}=;`))).toBe(true);
    expect(await me({ 'x-smsdesk-session': slotA })).toBe(401);
    expect(await me({ 'x-smsdesk-session': slotB })).toBe('Slot B');
  });
});

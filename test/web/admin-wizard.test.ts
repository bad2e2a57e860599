import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../api/server.js';
import { type Simulator, startSimulator } from '../../telesign/simulator/server.js';
import { createTestStack, eventually, TEST_ADMIN_TOKEN, type TestStack } from '../support/stack.js';
import { cspViolations, launchBrowser, signIn, waitReady } from './browser.js';

// The setup wizard from nothing (no account, no demo), as a newcomer walks it: a refused key keeps Next closed, a
// reload continues where setup stopped, duplicates and empty fields are named beside the right field in the page's
// language, and the readiness checklist says "live" only once its last item holds.
let s: TestStack;
let sim: Simulator;
let server: { port: number; close: () => Promise<void> };
let browser: Browser;
let base: string;

beforeAll(async () => {
  [sim, browser] = await Promise.all([startSimulator(), launchBrowser()]);
  server = { port: 0, close: async () => {} };
  // The app's public URL is where the simulator posts callbacks, so it must be known before the app starts.
  const { createServer } = await import('node:net');
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as { port: number }).port;
      probe.close(() => resolve(p));
    });
  });
  base = `http://127.0.0.1:${port}`;
  s = await createTestStack({ env: { PUBLIC_BASE_URL: base } });
  server = await listen(s.app, port, '127.0.0.1');
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await sim?.stop();
  await s?.close();
});
afterEach(() => {
  expect(cspViolations.splice(0)).toEqual([]);
});

describe('setup wizard from nothing', () => {
  it('resumes after reloads, keeps Next closed until a step holds, warns before duplicates, and turns live only when the last item holds', async () => {
    const supportNumber = `1555${String(Date.now()).slice(-7)}`;
    const acct = sim.addAccount({ numbers: [supportNumber] });
    const { context, page } = await signIn(browser, base, TEST_ADMIN_TOKEN, '/admin');
    expect(await page.locator('#resume-note').isHidden()).toBe(true);
    expect(await page.locator('#account-next').isDisabled()).toBe(true);

    // An empty customer ID is named beside that field, not somewhere else.
    await page.getByLabel('API key', { exact: true }).fill('not-the-key-0000000000');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.locator('#account-customerId-error').textContent()).toBe('Fill this in.');
    expect(await page.locator('#account-name-error').textContent()).toBe('');

    // A key TeleSign refuses: "Not valid", and Next stays closed.
    await page.getByLabel('Customer ID').fill(acct.customerId);
    await page.getByLabel(/REST host/).fill(sim.url);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.getByLabel('API key', { exact: true }).inputValue()).toBe('');
    await page.locator('#validate').click();
    await expect.poll(() => page.locator('#validation').getAttribute('data-valid')).toBe('false');
    expect(await page.locator('#account-next').isDisabled()).toBe(true);

    // Reload: the account is listed and chosen, still not valid, Next still closed; nothing was created twice.
    await page.reload();
    await waitReady(page);
    expect(await page.locator('#resume-note').isVisible()).toBe(true);
    expect(await page.locator('#account-existing-list li').count()).toBe(1);
    expect(await page.locator('#validation').getAttribute('data-valid')).toBe('false');
    expect(await page.locator('#account-next').isDisabled()).toBe(true);

    // Typing the same customer ID for a new account is warned about before anything is created.
    await page.getByLabel('Customer ID').fill('C0FFEE00-0000-4000-8000-000000000000');
    await page.getByLabel('Customer ID').fill(acct.customerId.toLowerCase());
    await expect
      .poll(() => page.locator('#account-customerId-error').textContent())
      .toContain('An account with this customer ID already exists');
    await page.locator('#account-customerId-error').getByRole('button', { name: 'Continue with this' }).click();

    // Replace the key with the right one; validation passes and Next opens.
    await page.getByLabel('API key', { exact: true }).fill(acct.apiKey);
    await page.locator('#replace-key').click();
    await expect.poll(() => page.locator('#validation').getAttribute('data-valid')).toBe('true');
    await page.locator('#account-next').click();

    expect(await page.locator('#numbers-next').isDisabled()).toBe(true);
    await page.getByLabel('Number', { exact: true }).fill(`+${supportNumber}`);
    await page.getByRole('button', { name: 'Add number' }).click();
    await expect.poll(() => page.locator('#number-number-error').textContent()).toMatch(/digits/i);
    await page.getByLabel('Number', { exact: true }).fill(supportNumber);
    await page.getByRole('button', { name: 'Add number' }).click();
    await page.locator('#numbers-added li', { hasText: supportNumber }).waitFor();
    expect(await page.locator('#numbers-next').isDisabled()).toBe(false);

    // Reload in Bulgarian (the top bar's language link keeps this tab's sign-in): still on the numbers step, and a
    // duplicate number is named in Bulgarian.
    await page.getByRole('link', { name: 'Български' }).click();
    await waitReady(page);
    expect(await page.locator('form[data-step="numbers"]').isVisible()).toBe(true);
    await page.locator('#numbers-added li', { hasText: supportNumber }).waitFor();
    await page.locator('#number-number').fill(supportNumber);
    await expect.poll(() => page.locator('#number-number-error').textContent()).toBe('Този номер вече съществува.');
    await page.getByRole('link', { name: 'English' }).click();
    await waitReady(page);
    await page.locator('#numbers-next').click();

    // The callback URL step, then the workstream: an empty new-queue name is named under that field.
    const callbackUrl = await page.getByLabel('Callback URL').inputValue();
    expect(callbackUrl).toBe(`${base}/webhooks/telesign/${callbackUrl.split('/').pop()}`);
    await page.locator('form[data-step="callback"] [data-next="workstream"]').click();
    expect(await page.locator('#workstream-next').isDisabled()).toBe(true);
    await page.getByLabel('New queue name').fill('');
    await page.getByRole('button', { name: 'Create workstream' }).click();
    await expect.poll(() => page.locator('#workstream-newQueue-error').textContent()).toBe('Fill this in.');
    expect(await page.locator('#workstream-name-error').textContent()).toBe('');
    await page.getByLabel('New queue name').fill('First queue');
    await page.getByRole('button', { name: 'Create workstream' }).click();

    // Reload on the channel step: the workstream is remembered, the number offered.
    await page.locator('form[data-step="channel"]').waitFor();
    await page.reload();
    await waitReady(page);
    expect(await page.locator('form[data-step="channel"]').isVisible()).toBe(true);
    await expect.poll(() => page.locator('#channel-number option').first().textContent()).toBe(supportNumber);
    await page.getByRole('button', { name: 'Add SMS channel' }).click();

    // Readiness: not live; each missing item is named with a link to fix it.
    const failing = () =>
      page.locator('#readiness li[data-ok="false"]').evaluateAll((li) => li.map((x) => x.dataset.check));
    await expect.poll(failing).toEqual(['callback_registered', 'queue_has_members', 'member_available']);
    expect(await page.locator('#readiness').getAttribute('data-live')).toBe('false');
    expect(await page.locator('#done').isHidden()).toBe(true);
    expect(await page.locator('#readiness a[data-fix="queue_has_members"]').getAttribute('href')).toMatch(
      /^\/admin\?as=[\w-]+#manage-agents$/,
    );

    // Each fix in turn; the list follows (it rechecks by itself) and is live only after the last one.
    sim.setCallbackUrl(acct.customerId, callbackUrl);
    await expect.poll(failing, { timeout: 10_000 }).toEqual(['queue_has_members', 'member_available']);
    await page.locator('#agent-name').fill('First Agent');
    await page.getByRole('button', { name: 'Add agent' }).click();
    const token = (await page.locator('#agent-token code').textContent({ timeout: 10_000 }))!;
    const row = page.locator('#agents tr', { hasText: 'First Agent' });
    await row.getByRole('listbox').selectOption({ label: 'First queue' });
    await row.getByRole('button', { name: 'Save' }).click();
    await expect.poll(failing, { timeout: 10_000 }).toEqual(['member_available']);
    expect(await page.locator('#readiness').getAttribute('data-live')).toBe('false');
    expect(await page.locator('#done').isHidden()).toBe(true);

    const agent = await signIn(browser, base, token);
    await agent.page.getByLabel('Presence').selectOption('available');
    await expect.poll(failing, { timeout: 10_000 }).toEqual([]);
    expect(await page.locator('#readiness').getAttribute('data-live')).toBe('true');
    expect(await page.locator('#done').isVisible()).toBe(true);

    // The simulator account offers a test SMS: the simulator phone texts the number and the agent is offered it.
    await page.getByRole('button', { name: /Send a test SMS/ }).click();
    await expect.poll(() => page.locator('#test-sms-status').textContent()).toMatch(/texted the number/);
    await agent.page.locator('#list-offered button').first().waitFor({ timeout: 20_000 });
    await eventually(async () => (await s.db.sql`select count(*)::int as n from conversations`)[0]?.n > 0);
    await agent.context.close();
    await context.close();
  });
});

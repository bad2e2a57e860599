import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../api/server.js';
import { type Simulator, startSimulator } from '../../telesign/simulator/server.js';
import { addMessage, makeConversation } from '../api/agent/fixtures.js';
import { createAgent, newCustomerNumber, seedChannel } from '../support/seed.js';
import { createTestStack, TEST_ADMIN_TOKEN, type TestStack } from '../support/stack.js';
import { cspViolations, launchBrowser, signIn } from './browser.js';

/**
 * The admin page's queue rules (web/client/admin-queue-rules.ts) and the channel CSAT switch
 * (web/client/admin/channel-csat.ts) in Chromium against the real API and PostgreSQL. SMSDESK_SCREENSHOTS=1 also
 * writes docs/screenshots/admin-queue-rules*.png.
 */

const SCREENSHOTS = process.env.SMSDESK_SCREENSHOTS === '1';
/** Polls wait generously: the page and API share two busy cores with other tests. */
const POLL = { timeout: 15_000 };
let s: TestStack;
let sim: Simulator;
let server: { port: number; close: () => Promise<void> };
let browser: Browser;
let base: string;

beforeAll(async () => {
  [s, sim, browser] = await Promise.all([createTestStack({ worker: false }), startSimulator(), launchBrowser()]);
  server = await listen(s.app, 0, '127.0.0.1');
  base = `http://127.0.0.1:${server.port}`;
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

async function shot(page: Page, name: string, selector: string) {
  if (!SCREENSHOTS) return;
  mkdirSync('docs/screenshots', { recursive: true });
  await page.locator(selector).screenshot({ path: `docs/screenshots/${name}.png` });
}

async function queueId(name: string): Promise<string> {
  const [row] = await s.db.sql<{ id: string }[]>`select id from queues where name = ${name}`;
  return row!.id;
}

/** Picks a queue and waits until the form shows its stored rules (data-queue is set once they are filled in). */
/** An admin on /admin with the queue-rules panel shown. */
async function openQueueRules() {
  const { context, page } = await signIn(browser, base, TEST_ADMIN_TOKEN, '/admin');
  const panel = page.locator('#queue-rules-panel');
  await panel.getByRole('heading', { name: 'Queue rules' }).waitFor();
  return { context, page, panel };
}

async function pickQueue(page: Page, id: string) {
  await page.locator('#queue-rules-queue').selectOption(id);
  await page.locator(`#form-queue-rules[data-queue="${id}"]`).waitFor();
}

describe('queue rules on the admin page', () => {
  it('an admin sets priority, overflow and SLA targets of a queue; the API has them and shows them again', async () => {
    await s.db.sql`insert into queues (name) values ('Billing'), ('Billing overflow')`;
    const billing = await queueId('Billing');
    const spill = await queueId('Billing overflow');
    const { context, page, panel } = await openQueueRules();

    await pickQueue(page, billing);
    expect(await panel.getByLabel('Priority').inputValue()).toBe('100');
    await panel.getByLabel('Priority').fill('5');
    await panel.getByLabel('Overflow this queue').check();
    await panel.getByLabel('When this many conversations wait').fill('10');
    await panel.getByLabel('When a customer has waited (minutes)').fill('30');
    await panel.getByLabel('Then').selectOption('transfer');
    await panel.getByLabel('Target queue').selectOption(spill);
    // The message applies only to "keep waiting": it is hidden for a transfer.
    expect(await panel.getByLabel('Message to the customer').isVisible()).toBe(false);
    await panel.getByLabel('First response (minutes)').fill('15');
    await panel.getByLabel('Next response (minutes)').fill('30');
    await panel.getByLabel('Resolution (minutes)').fill('1440');
    await panel.getByLabel('Warn at (% of the target)').fill('75');
    await panel.getByRole('button', { name: 'Save queue rules' }).click();
    await expect.poll(() => page.locator('#queue-rules-status').textContent(), POLL).toMatch(/^Saved/);

    const [q] = await s.db.sql<{ priority: number; overflow: unknown }[]>`
      select priority, overflow from queues where id = ${billing}`;
    expect(q!.priority).toBe(5);
    expect(q!.overflow).toMatchObject({ maxWaiting: 10, maxWaitMinutes: 30, action: 'transfer', targetQueueId: spill });
    const sla = await s.app.request(`/api/v1/queues/${billing}/sla`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(await sla.json()).toMatchObject({
      firstResponseSeconds: 900,
      nextResponseSeconds: 1800,
      resolutionSeconds: 86_400,
      warningPercent: 75,
    });
    await shot(page, 'admin-queue-rules', '#queue-rules-panel');

    // Keep waiting with a message, no queue-size threshold.
    await panel.getByLabel('When this many conversations wait').fill('');
    await panel.getByLabel('Then').selectOption('wait_message');
    await panel.getByLabel('Message to the customer').fill('Всички служители са заети, ще ви пишем скоро.');
    await panel.getByLabel('Resolution (minutes)').fill('');
    await panel.getByRole('button', { name: 'Save queue rules' }).click();
    await expect
      .poll(async () => (await s.db.sql`select overflow from queues where id = ${billing}`)[0]!.overflow, POLL)
      .toMatchObject({
        maxWaitMinutes: 30,
        action: 'wait_message',
        message: 'Всички служители са заети, ще ви пишем скоро.',
      });
    const [policy] = await s.db.sql<{ resolution_seconds: number | null }[]>`
      select resolution_seconds from sla_policies where queue_id = ${billing}`;
    expect(policy!.resolution_seconds).toBeNull();

    // A fresh page reads the saved rules back into the form.
    await page.reload();
    await panel.getByRole('heading', { name: 'Queue rules' }).waitFor();
    await pickQueue(page, billing);
    expect(await panel.getByLabel('Priority').inputValue()).toBe('5');
    expect(await panel.getByLabel('Overflow this queue').isChecked()).toBe(true);
    expect(await panel.getByLabel('Then').inputValue()).toBe('wait_message');
    expect(await panel.getByLabel('When a customer has waited (minutes)').inputValue()).toBe('30');
    expect(await panel.getByLabel('First response (minutes)').inputValue()).toBe('15');

    // Overflow off, and "send overflow_end and close" on another round trip.
    await panel.getByLabel('Then').selectOption('end');
    await panel.getByRole('button', { name: 'Save queue rules' }).click();
    await expect
      .poll(async () => (await s.db.sql`select overflow from queues where id = ${billing}`)[0]!.overflow, POLL)
      .toMatchObject({ action: 'end', message: null, targetQueueId: null });
    await panel.getByLabel('Overflow this queue').uncheck();
    await panel.getByRole('button', { name: 'Save queue rules' }).click();
    await expect
      .poll(async () => (await s.db.sql`select overflow from queues where id = ${billing}`)[0]!.overflow, POLL)
      .toBeNull();
    await context.close();
  });

  it('a slow load of an earlier pick does not overwrite what the admin types after picking again', async () => {
    await s.db.sql`insert into queues (name) values ('Slow A'), ('Slow B')`;
    const a = await queueId('Slow A');
    const b = await queueId('Slow B');
    const { context, page, panel } = await openQueueRules();
    // The first read of queue A's rules is held back until after the second pick of A has been answered.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let first = true;
    await page.route(`**/api/v1/queues/${a}`, async (route) => {
      if (route.request().method() === 'GET' && first) {
        first = false;
        await held;
      }
      await route.continue();
    });
    const slow = page.waitForResponse((r) => r.url().endsWith(`/api/v1/queues/${a}`) && r.request().method() === 'GET');
    await page.locator('#queue-rules-queue').selectOption(a);
    await pickQueue(page, b);
    await pickQueue(page, a);
    await panel.getByLabel('Priority').fill('7');
    release();
    await (await slow).finished();
    await page.evaluate(() => new Promise((done) => setTimeout(done, 50))); // the held load's continuation runs
    expect(await panel.getByLabel('Priority').inputValue()).toBe('7');
    await context.close();
  });

  it('shows a refused value beside its field and saves nothing of that part', async () => {
    await s.db.sql`insert into queues (name) values ('Refusals')`;
    const id = await queueId('Refusals');
    const { context, page } = await signIn(browser, base, TEST_ADMIN_TOKEN, '/admin');
    const panel = page.locator('#queue-rules-panel');
    await pickQueue(page, id);
    expect(await panel.getByLabel('Priority').inputValue()).toBe('100');
    await panel.getByLabel('Priority').fill('20000');
    await panel.getByLabel('Overflow this queue').check();
    await panel.getByLabel('Then').selectOption('end');
    await panel.getByLabel('First response (minutes)').fill('0');
    await panel.getByRole('button', { name: 'Save queue rules' }).click();

    await expect.poll(() => page.locator('#queue-rules-priority-error').textContent(), POLL).toMatch(/10000/);
    expect(await page.locator('#queue-rules-priority').getAttribute('aria-invalid')).toBe('true');
    // No threshold given: the API names overflow.maxWaiting; the page says it in words.
    expect(await page.locator('#queue-rules-overflow-maxWaiting-error').textContent()).toMatch(
      /at least one threshold/,
    );
    expect(await page.locator('#queue-rules-firstResponseSeconds-error').textContent()).toMatch(/Between 1 and/);
    expect(await page.locator('#queue-rules-status').textContent()).toMatch(/Not saved/);
    await shot(page, 'admin-queue-rules-refused', '#queue-rules-panel');
    const [q] = await s.db.sql`select priority, overflow from queues where id = ${id}`;
    expect(q).toEqual({ priority: 100, overflow: null });
    expect(await s.db.sql`select 1 from sla_policies where queue_id = ${id}`).toHaveLength(0);

    // Fixing the fields clears their problems.
    await panel.getByLabel('Priority').fill('50');
    await panel.getByLabel('When this many conversations wait').fill('3');
    await panel.getByLabel('First response (minutes)').fill('10');
    await panel.getByRole('button', { name: 'Save queue rules' }).click();
    await expect.poll(() => page.locator('#queue-rules-status').textContent(), POLL).toMatch(/^Saved/);
    expect(await page.locator('#queue-rules-priority-error').textContent()).toBe('');
    expect((await s.db.sql`select priority from queues where id = ${id}`)[0]!.priority).toBe(50);
    await context.close();
  });

  it('a queue added on the page appears in the queue-rules and operating-hours pickers without a reload', async () => {
    const { context, page } = await signIn(browser, base, TEST_ADMIN_TOKEN, '/admin');
    await page.locator('#queue-name').fill('Late arrivals');
    await page.locator('#form-queue').getByRole('button').click();
    const id = await (async () => {
      await expect
        .poll(async () => (await s.db.sql`select 1 from queues where name = 'Late arrivals'`).length, POLL)
        .toBe(1);
      return queueId('Late arrivals');
    })();
    await expect.poll(() => page.locator(`#queue-rules-queue option[value="${id}"]`).count(), POLL).toBe(1);
    await expect.poll(() => page.locator(`#queue-hours-queue option[value="${id}"]`).count(), POLL).toBe(1);
    await context.close();
  });
});

describe('CSAT survey where channels are edited', () => {
  it('an admin switches the survey on with a reply window; a refused window is shown beside it', async () => {
    const seed = await seedChannel(s.db.db, s.config, sim, { agents: [] });
    const { context, page } = await signIn(browser, base, TEST_ADMIN_TOKEN, '/admin');
    const channel = page.locator(`[data-channel="${seed.channelId}"]`);
    await channel.waitFor();
    const survey = channel.getByLabel(/Satisfaction survey/);
    await expect.poll(() => survey.isEnabled(), POLL).toBe(true);
    expect(await survey.isChecked()).toBe(false);
    await survey.check();
    await channel.getByLabel(/Survey reply window/).fill('120');
    await channel.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(
        async () =>
          (await s.db.sql`select csat_enabled, csat_window_minutes from sms_channels where id = ${seed.channelId}`)[0],
        POLL,
      )
      .toEqual({ csat_enabled: true, csat_window_minutes: 120 });
    // The list is rebuilt after a save (<html data-busy> until then); the rebuilt one shows the stored state.
    await page.waitForSelector('html:not([data-busy])');
    await shot(page, 'admin-channel-csat', `[data-channel="${seed.channelId}"]`);
    const again = page.locator(`[data-channel="${seed.channelId}"]`);
    await expect.poll(() => again.getByLabel(/Satisfaction survey/).isChecked(), POLL).toBe(true);
    await again.getByLabel(/Survey reply window/).fill('99999');
    await again.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator(`#csat-${seed.channelId}-error`).textContent(), POLL).toMatch(/10080/);
    expect((await s.db.sql`select csat_window_minutes from sms_channels where id = ${seed.channelId}`)[0]).toEqual({
      csat_window_minutes: 120,
    });
    await context.close();
  });
});

describe('preferred agents in the workspace customer panel', () => {
  it('a supervisor sets a customer’s preferred agents in order, kept through a profile save; a repeated agent is refused beside the choices', async () => {
    const seed = await seedChannel(s.db.db, s.config, sim, {
      agents: [{ name: 'Ana Petrova' }, { name: 'Boris Ivanov' }],
    });
    const supervisor = await createAgent(s.db.db, { name: 'Sia Supervisor', role: 'supervisor' });
    const customer = newCustomerNumber();
    const conv = await makeConversation(s.db.db, seed.accountId, {
      customerNumber: customer,
      supportNumber: seed.supportNumber,
      queueId: seed.queueId,
      workstreamId: seed.workstreamId,
      channelId: seed.channelId,
    });
    await addMessage(s.db.db, conv.id, { text: 'Искам пак същия служител' });
    const [ana, boris] = seed.agents;

    const { context, page } = await signIn(browser, base, supervisor.token);
    await page.getByLabel('Search conversations').fill(customer);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('#ws-search-list button', { hasText: `+${customer}` }).click();
    const form = page.locator('#pref-form');
    await form.getByRole('heading', { name: 'Preferred agents' }).waitFor();
    await expect.poll(() => form.getByLabel('Choice 1').locator('option').count(), POLL).toBeGreaterThan(2);
    await form.getByLabel('Choice 1').selectOption(boris!.id);
    await form.getByLabel('Choice 2').selectOption(ana!.id);
    // Saving the profile meanwhile re-renders the panel; the choices being edited survive it.
    const refilled = page.waitForResponse(
      (r) => r.url().includes('/preferred-agents/') && r.request().method() === 'GET',
    );
    await page.locator('#cust-name').fill('Мария');
    await page.locator('#cust-form').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('#cust-status').textContent(), POLL).toBe('Saved');
    await (await refilled).finished();
    await page.evaluate(() => new Promise((done) => setTimeout(done, 50))); // the refill's own continuation runs
    expect(await form.getByLabel('Choice 1').inputValue()).toBe(boris!.id);
    await form.getByRole('button', { name: 'Save preferred agents' }).click();
    await expect.poll(() => page.locator('#pref-status').textContent(), POLL).toBe('Saved');
    const rows = await s.db.sql<{ agent_id: string }[]>`
      select agent_id from preferred_agents
      where workstream_id = ${seed.workstreamId} and customer_number = ${customer} order by rank`;
    expect(rows.map((r) => r.agent_id)).toEqual([boris!.id, ana!.id]);
    await shot(page, 'workspace-preferred-agents', '#customer-panel');

    await form.getByLabel('Choice 3').selectOption(boris!.id);
    await form.getByRole('button', { name: 'Save preferred agents' }).click();
    await expect.poll(() => page.locator('#pref-error').textContent(), POLL).toMatch(/must not repeat an agent/);
    expect(await form.getByLabel('Choice 3').getAttribute('aria-invalid')).toBe('true');
    const after = await s.db.sql`
      select 1 from preferred_agents where workstream_id = ${seed.workstreamId} and customer_number = ${customer}`;
    expect(after).toHaveLength(2);
    await context.close();
  });
});

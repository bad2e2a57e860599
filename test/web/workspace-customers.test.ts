import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { consents, quickReplies } from '../../db/schema/index.js';
import { addMessage, makeConversation } from '../api/agent/fixtures.js';
import { newCustomerNumber, type SeededChannel } from '../support/seed.js';
import { eventually } from '../support/stack.js';
import { signIn } from './browser.js';
import { browserHarness } from './harness.js';

// The workspace's customer profile, search, quick replies and agent-started conversations in a real Chromium
// against the real stack (Postgres, Temporal worker, the TeleSign simulator posting signed callbacks).

const h = browserHarness({ worker: true, simulator: { dlrDelaysMs: [50, 100] } });

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Serious or critical axe-core findings inside this feature's parts of the page (the rest of the workspace has its own
 * check). Evaluated through the DevTools protocol, so the page's CSP is not involved.
 */
async function axeFindings(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const parts = ['.ws-tools', '#ws-search-results', '#customer-panel', '#qr-popup', '#ws-new-dialog'];
    const include = parts.filter((sel) => document.querySelector(sel)).map((sel) => [sel]);
    // biome-ignore lint/suspicious/noExplicitAny: axe-core is injected as a global
    const result = await (window as any).axe.run({ include }, { resultTypes: ['violations'] });
    return (result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[])
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

async function channelWithAgent(name = 'Ana Petrova'): Promise<SeededChannel> {
  return h.channel({ agents: [{ name, capacity: 3 }] });
}

async function offerAndAccept(page: Page, seed: SeededChannel, customer: string, text: string) {
  await h.sim.phone(customer).send(seed.supportNumber, text);
  const item = page.locator('#list-offered button', { hasText: `+${customer}` });
  await item.waitFor({ timeout: 20_000 });
  await item.click();
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect.poll(() => page.locator('#conv').getAttribute('data-state'), { timeout: 15_000 }).toBe('active');
}

describe('workspace: customer profile, search, quick replies, new conversation', () => {
  it('shows the customer’s history in the side panel and saves name, tags and notes', async () => {
    const seed = await channelWithAgent();
    const customer = newCustomerNumber();
    const { context, page } = await signIn(h.browser, h.base, seed.agents[0]!.token);
    // An earlier conversation of this customer in the agent's queue, closed two days ago.
    const earlier = await makeConversation(h.s.db.db, seed.accountId, {
      customerNumber: customer,
      supportNumber: seed.supportNumber,
      queueId: seed.queueId,
      state: 'closed',
      resolution: 'resolved',
      createdAt: new Date(Date.now() - 2 * 86_400_000),
      closedAt: new Date(Date.now() - 2 * 86_400_000),
    });
    await addMessage(h.s.db.db, earlier.id, { text: 'Първи въпрос за фактурата' });
    await offerAndAccept(page, seed, customer, 'Втори въпрос');

    const panel = page.locator('#customer-panel');
    await panel.waitFor();
    await expect.poll(() => panel.locator('details.ws-past').count()).toBe(2);
    await panel.locator('details.ws-past summary').nth(1).click();
    await expect
      .poll(() => panel.locator('details.ws-past').nth(1).textContent())
      .toContain('Първи въпрос за фактурата');

    await page.getByLabel('Customer name').fill('Мария Петрова');
    await page.getByLabel('Tags').fill('VIP, gold');
    await page.getByLabel('Notes about the customer').fill('Prefers mornings');
    await page.getByRole('button', { name: 'Save customer' }).click();
    await expect.poll(() => page.locator('#cust-status').textContent()).toBe('Saved');
    const [row] = await h.s.db.sql`select name, tags, notes from customers where number = ${customer}`;
    expect(row).toEqual({ name: 'Мария Петрова', tags: ['vip', 'gold'], notes: 'Prefers mornings' });
    await context.close();
  });

  it('finds a conversation by Bulgarian text, with the match highlighted', async () => {
    const seed = await channelWithAgent('Boris');
    const customer = newCustomerNumber();
    const { context, page } = await signIn(h.browser, h.base, seed.agents[0]!.token);
    await offerAndAccept(page, seed, customer, 'Здравейте, ПОРЪЧКАТА ми <script>x</script> закъснява');
    await page.getByLabel('Search conversations').fill('поръчка');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const hit = page.locator('#ws-search-list button', { hasText: `+${customer}` });
    await hit.waitFor();
    expect(await hit.locator('mark').allTextContents()).toEqual(['ПОРЪЧКАТА']);
    // The customer's text is shown as text, never as markup.
    expect(await hit.locator('.snippet').textContent()).toContain('<script>x</script>');
    expect(await page.locator('#ws-search-list script').count()).toBe(0);
    await hit.click();
    await page.locator('#customer-panel').waitFor();
    expect(await axeFindings(page)).toEqual([]);
    await context.close();
  });

  it('inserts a quick reply with / (searchable, keyboard), filling the placeholders; the counter updates', async () => {
    const seed = await channelWithAgent('Ana Petrova');
    await h.s.db.db.insert(quickReplies).values([
      { title: 'Greeting', text: 'Hello {CustomerName}, this is {AgentName} from {QueueName}.' },
      { title: 'Доставка', text: 'Пратката ви пристига утре, {CustomerName}.', queueId: seed.queueId },
    ]);
    const customer = newCustomerNumber();
    await h.s.db.sql`insert into customers (number, name) values (${customer}, 'Иван')`;
    const [queue] = await h.s.db.sql`select name from queues where id = ${seed.queueId}`;
    const { context, page } = await signIn(h.browser, h.base, seed.agents[0]!.token);
    await offerAndAccept(page, seed, customer, 'Кога пристига?');
    await expect.poll(() => page.locator('#cust-name').inputValue()).toBe('Иван');

    const reply = page.getByLabel('Reply');
    await reply.click();
    await reply.pressSequentially('/дост');
    const popup = page.locator('#qr-popup');
    await popup.waitFor();
    expect(await axeFindings(page)).toEqual([]);
    await expect
      .poll(() => page.locator('#qr-list [role=option]').allTextContents())
      .toEqual([expect.stringContaining('Доставка')]);
    await reply.press('Enter');
    await expect.poll(() => reply.inputValue()).toBe('Пратката ви пристига утре, Иван.');
    expect(await popup.isHidden()).toBe(true);
    await expect.poll(() => page.locator('#counter').textContent()).toContain('UCS-2');

    await reply.fill('');
    await reply.pressSequentially('Hi /');
    await expect.poll(() => page.locator('#qr-list [role=option]').count()).toBe(2);
    await reply.press('ArrowDown');
    await reply.press('ArrowUp');
    await reply.press('Enter');
    await expect.poll(() => reply.inputValue()).toBe(`Hi Hello Иван, this is Ana Petrova from ${queue!.name}.`);
    const inserted = `Hi Hello Иван, this is Ana Petrova from ${queue!.name}.`;
    await expect.poll(() => page.locator('#counter').textContent()).toContain(`${[...inserted].length} / 1600`);
    await reply.press('Escape');
    await context.close();
  });

  it('starts a conversation that reaches the simulator phone, and refuses an opted-out number', async () => {
    const seed = await channelWithAgent('Vera');
    const customer = newCustomerNumber();
    const stopped = newCustomerNumber();
    await h.s.db.db
      .insert(consents)
      .values({ supportNumber: seed.supportNumber, customerNumber: stopped, optedOut: true, source: 'keyword:STOP' });
    const { context, page } = await signIn(h.browser, h.base, seed.agents[0]!.token);

    await page.getByRole('button', { name: 'New conversation' }).click();
    const dialog = page.getByRole('dialog', { name: 'New conversation' });
    await dialog.waitFor();
    expect(await axeFindings(page)).toEqual([]);
    await expect.poll(() => dialog.getByLabel('From number').locator('option').count()).toBe(1);
    await dialog.getByLabel('Customer number').fill(stopped);
    await dialog.getByLabel('Message').fill('Hello from us');
    await dialog.getByRole('button', { name: 'Send and start' }).click();
    await expect.poll(() => page.locator('#ws-new-error').textContent()).toContain('opted out');
    expect(h.sim.phone(stopped).received()).toEqual([]);

    await dialog.getByLabel('Customer number').fill(customer);
    await dialog.getByLabel('Message').fill('Your parcel is ready');
    await dialog.getByRole('button', { name: 'Send and start' }).click();
    await expect.poll(() => dialog.isHidden()).toBe(true);
    await expect.poll(() => page.locator('#conv-title').textContent()).toBe(`+${customer}`);
    await expect.poll(() => page.locator('#conv').getAttribute('data-state')).toBe('active');
    await page.locator('#list-active button', { hasText: `+${customer}` }).waitFor();
    const got = await eventually(async () =>
      h.sim
        .phone(customer)
        .received()
        .find((m) => m.text === 'Your parcel is ready'),
    );
    expect(got.from).toBe(seed.supportNumber);
    await expect
      .poll(() => page.locator('#transcript .msg.outbound').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('delivered');
    await context.close();
  });
});

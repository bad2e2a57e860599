import { readFile } from 'node:fs/promises';
import { eq, sql } from 'drizzle-orm';
import { type Browser, type BrowserContext, devices, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../api/server.js';
import { attachmentLinks } from '../../db/schema/index.js';
import { type Simulator, startSimulator } from '../../telesign/simulator/server.js';
import { HTML_AS_PDF, PDF, png, setToggles } from '../api/attachments/support.js';
import { newCustomerNumber, type SeededChannel, seedChannel } from '../support/seed.js';
import { createTestStack, eventually, type TestStack } from '../support/stack.js';
import { cspViolations, launchBrowser, signIn, waitReady, watchCsp } from './browser.js';

// Attachments in a real Chromium: the agent's workspace on a desktop viewport, the customer's link pages in mobile
// emulation (a Pixel 5), against the real stack and the TeleSign simulator's phone.
let s: TestStack;
let sim: Simulator;
let server: { port: number; close: () => Promise<void> };
let browser: Browser;
let base: string;
let ch: SeededChannel;
let agent: { context: BrowserContext; page: Page };
let phone: BrowserContext;
/** The machine running the suite may be loaded: UI effects get generous time. */
const SLOW = { timeout: 20_000 };

beforeAll(async () => {
  [sim, browser] = await Promise.all([startSimulator({ dlrDelaysMs: [50, 150] }), launchBrowser()]);
  s = await createTestStack({ env: { TELESIGN_BASE_URL: sim.url } });
  server = await listen(s.app, 0, '127.0.0.1');
  base = `http://127.0.0.1:${server.port}`;
  ch = await seedChannel(s.db.db, s.config, sim, { agents: [{ name: 'Ana Petrova', capacity: 10 }] });
  sim.setCallbackUrl(ch.customerId, `${base}/webhooks/telesign/${ch.accountId}`);
  agent = await signIn(browser, base, ch.agents[0]!.token);
  phone = await browser.newContext({ ...devices['Pixel 5'], acceptDownloads: true });
});
afterAll(async () => {
  await phone?.close();
  await browser?.close();
  await server?.close();
  await sim?.stop();
  await s?.close();
});
afterEach(() => {
  expect(cspViolations.splice(0)).toEqual([]);
});

/** Customer texts in; the agent opens the offer and accepts. */
async function activeConversation(customer = newCustomerNumber()) {
  const page = agent.page;
  await sim.phone(customer).send(ch.supportNumber, 'Hello, a question about my order');
  const offered = page.locator('#list-offered button', { hasText: `+${customer}` });
  await offered.waitFor({ timeout: 20_000 });
  // The lists are redrawn on every live event: a click can land on a button that is being replaced, so click until
  // the conversation is open.
  const accept = page.getByRole('button', { name: 'Accept' });
  await expect
    .poll(
      async () => {
        await offered.click({ timeout: 2000 }).catch(() => {});
        return accept.isVisible();
      },
      { timeout: 20_000, interval: 300 },
    )
    .toBe(true);
  await accept.click();
  await expect.poll(() => page.locator('#conv').getAttribute('data-state'), { timeout: 15_000 }).toBe('active');
  // The file controls follow the selection (they read the conversation's files and the channel's toggles).
  const id = await page.locator('.lists button[aria-current="true"]').getAttribute('data-id');
  await expect.poll(() => page.locator('#attachments').getAttribute('data-conversation'), SLOW).toBe(id);
  await expect.poll(() => page.locator('#attachments').getAttribute('data-state'), SLOW).toBe('active');
  return customer;
}

/** The newest SMS the phone received that holds a link of this kind, as a URL on this app. */
async function linkOnPhone(customer: string, kind: 'f' | 'u'): Promise<string> {
  const sms = await eventually(async () =>
    sim
      .phone(customer)
      .received()
      .findLast((m) => m.text.includes(`/${kind}/`)),
  );
  const path = /\/(f|u)\/[A-Za-z0-9_-]{22}/.exec(sms.text)![0];
  return `${base}${path}`;
}

async function openOnPhone(url: string): Promise<Page> {
  const page = watchCsp(await phone.newPage());
  await page.goto(url);
  await waitReady(page);
  return page;
}

describe('agents send files', () => {
  it('an agent sends a PDF; the phone gets a link and downloads the same bytes on a mobile page', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: true, customersCanSend: false });
    const customer = await activeConversation();
    const page = agent.page;
    await expect.poll(() => page.locator('#attach-file').isVisible(), SLOW).toBe(true);
    await page
      .locator('#attach-input')
      .setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: PDF });
    const row = page.locator('#attachment-list li', { hasText: 'invoice.pdf' });
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.getAttribute('data-message-status'), { timeout: 15_000 }).toBe('delivered');
    await expect.poll(() => page.locator('#transcript').textContent(), SLOW).toContain('invoice.pdf: http');

    const customerPage = await openOnPhone(await linkOnPhone(customer, 'f'));
    expect(await customerPage.locator('#files-name').textContent()).toBe('invoice.pdf');
    const [download] = await Promise.all([
      customerPage.waitForEvent('download'),
      customerPage.getByRole('link', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('invoice.pdf');
    expect((await readFile((await download.path())!)).equals(PDF)).toBe(true);
    await customerPage.close();
  });

  it('a file named .pdf with HTML inside is refused, and nothing is sent', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: true, customersCanSend: false });
    const customer = await activeConversation();
    const page = agent.page;
    const before = sim.phone(customer).received().length;
    await page
      .locator('#attach-input')
      .setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: HTML_AS_PDF });
    await expect.poll(() => page.locator('#attach-status').textContent(), SLOW).toMatch(/not an accepted type/);
    expect(await page.locator('#attachment-list li').count()).toBe(0);
    expect(
      sim
        .phone(customer)
        .received()
        .filter((m) => m.text.includes('/f/')).length,
    ).toBe(0);
    expect(sim.phone(customer).received().length).toBe(before);
  });

  it('a revoked link and an expired link show the customer that the link no longer works', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: true, customersCanSend: false });
    const customer = await activeConversation();
    const page = agent.page;
    await page.locator('#attach-input').setInputFiles({ name: 'a.pdf', mimeType: 'application/pdf', buffer: PDF });
    const link = await linkOnPhone(customer, 'f');
    await page
      .locator('#attachment-list li', { hasText: 'a.pdf' })
      .getByRole('button', { name: 'Revoke link' })
      .click();
    await page.locator('#attachment-list li', { hasText: 'link revoked' }).waitFor();
    const revoked = await openOnPhone(link);
    expect(await revoked.locator('#files-status').textContent()).toMatch(/no longer works/);
    expect(await revoked.getByRole('link', { name: 'Download' }).isVisible()).toBe(false);
    expect((await phone.request.get(`${link.replace('/f/', '/api/v1/public/files/')}/content`)).status()).toBe(410);
    await revoked.close();

    await page.locator('#attach-input').setInputFiles({ name: 'b.pdf', mimeType: 'application/pdf', buffer: PDF });
    await eventually(async () =>
      sim
        .phone(customer)
        .received()
        .find((m) => m.text.startsWith('b.pdf')),
    );
    const second = await linkOnPhone(customer, 'f');
    await s.db.db
      .update(attachmentLinks)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(sql`${attachmentLinks.revokedAt} is null and ${attachmentLinks.kind} = 'download'`);
    const expired = await openOnPhone(second);
    expect(await expired.locator('#files-status').textContent()).toMatch(/no longer works/);
    await expired.close();
  });

  it('with "Agents can send" off the controls are hidden and the API refuses', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: false, customersCanSend: false });
    await activeConversation();
    const page = agent.page;
    await expect.poll(() => page.locator('#attachment-controls').isHidden(), SLOW).toBe(true);
    expect(await page.locator('#attach-file').isHidden()).toBe(true);
    expect(await page.locator('#request-file').isHidden()).toBe(true);
    const id = await page.locator('.lists button[aria-current="true"]').getAttribute('data-id');
    const res = await page.request.post(`${base}/api/v1/conversations/${id}/attachments`, {
      headers: { 'x-smsdesk-csrf': '1' },
      multipart: { file: { name: 'a.pdf', mimeType: 'application/pdf', buffer: PDF } },
    });
    expect(res.status()).toBe(403);
  });
});

describe('customers send files', () => {
  it('the agent requests a file; the customer takes a photo on the mobile page; the agent sees it live', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: false, customersCanSend: true });
    const customer = await activeConversation();
    const page = agent.page;
    await page.getByRole('button', { name: 'Request a file' }).click();
    const upload = await openOnPhone(await linkOnPhone(customer, 'u'));
    const photo = png();
    await upload.locator('#upload-camera').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: photo });
    await upload.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => upload.locator('#upload-status').textContent(), SLOW).toMatch(/received your file/);
    await upload.close();

    await expect
      .poll(() => page.locator('#transcript').textContent(), { timeout: 15_000 })
      .toContain('[file] photo.png');
    const row = page.locator('#attachment-list li[data-source="customer_upload"]', { hasText: 'photo.png' });
    await row.waitFor({ timeout: 15_000 });
    const href = await row.getByRole('link', { name: 'photo.png' }).getAttribute('href');
    const file = await page.request.get(`${base}${href}`);
    expect(Buffer.from(await file.body()).equals(photo)).toBe(true);

    // Single use: the same link refuses a second file.
    const again = await openOnPhone(await linkOnPhone(customer, 'u'));
    expect(await again.locator('#upload-status').textContent()).toMatch(/no longer works/);
    await again.close();
  });

  it('with "Customers can send" off the request control is hidden and an open upload link refuses', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: false, customersCanSend: true });
    const customer = await activeConversation();
    const page = agent.page;
    await page.getByRole('button', { name: 'Request a file' }).click();
    const link = await linkOnPhone(customer, 'u');
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: false, customersCanSend: false });
    // The workspace reads the toggles again on its next refresh (any event); a reselect triggers one.
    await page.locator('.lists button[aria-current="true"]').click();
    await expect.poll(() => page.locator('#request-file').isHidden(), SLOW).toBe(true);
    const closed = await openOnPhone(link);
    expect(await closed.locator('#upload-status').textContent()).toMatch(/does not accept files/);
    await closed.close();
  });
});

describe('inbound media from TeleSign', () => {
  it('a media callback reaches the agent as a placeholder, then as a stored file', async () => {
    const customer = newCustomerNumber();
    const page = agent.page;
    await sim.phone(customer).sendMedia(ch.supportNumber, '', [{ contentType: 'image/png', bytes: png() }]);
    const offered = page.locator('#list-offered button', { hasText: `+${customer}` });
    await offered.waitFor({ timeout: 20_000 });
    await offered.click();
    await expect.poll(() => page.locator('#transcript').textContent(), SLOW).toContain('[media received]');
    const row = page.locator('#attachment-list li[data-source="inbound_media"]');
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('stored');
    const conv = await s.db.db.query.conversations.findFirst({
      where: (t) => eq(t.customerNumber, customer),
    });
    expect(conv).toBeDefined();
  });
});

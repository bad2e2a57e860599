import { describe, expect, it } from 'vitest';
import { seedChannel } from '../support/seed.js';
import { TEST_ADMIN_TOKEN } from '../support/stack.js';
import { signIn } from './browser.js';
import { browserHarness } from './harness.js';

// Everything the API can change is editable in the admin page, and deleting something in use says what uses it.
const h = browserHarness({ worker: false, simulator: {} });

describe('admin edit and delete', () => {
  it('edits workstream settings, channel, account, queue, rules order, agents and the SMS switch; in-use deletes explain why', async () => {
    const seed = await seedChannel(h.s.db.db, h.s.config, h.sim, { agents: [{ name: 'Edit Me' }] });
    const other = await seed.addQueue();
    await seed.addRule({
      name: 'First',
      order: 1,
      conditions: [{ field: 'message.text', operator: 'contains', value: 'a' }],
      queueId: other,
    });
    await seed.addRule({
      name: 'Second',
      order: 2,
      conditions: [{ field: 'message.text', operator: 'contains', value: 'b' }],
      queueId: other,
    });
    const { context, page } = await signIn(h.browser, h.base, TEST_ADMIN_TOKEN, '/admin');
    const db = h.s.db.sql;
    // After a change the lists are rebuilt from the API; wait for that before touching them again.
    const idle = () => page.waitForSelector('html:not([data-busy])');

    // Workstream: the offer timeout (and every other setting) is saved.
    const ws = page.locator(`fieldset[data-workstream="${seed.workstreamId}"]`);
    await ws.getByLabel(/Offer timeout/).fill('90');
    await ws.getByLabel(/^autoAccept/).check();
    await ws.getByRole('button', { name: 'Save' }).click();
    await idle();
    await expect
      .poll(
        async () =>
          (await db`select offer_timeout_seconds, auto_accept from workstreams where id = ${seed.workstreamId}`)[0],
      )
      .toEqual({ offer_timeout_seconds: 90, auto_accept: true });

    // Channel: language, attachment toggles, an automated message.
    const ch = page.locator(`fieldset[data-channel="${seed.channelId}"]`);
    await ch.getByLabel(/^Language/).selectOption('bg');
    await ch.getByLabel(/^Agents can send/).check();
    await ch.locator('summary').click();
    await ch.getByLabel(/^greeting/).fill('Здравейте!');
    await ch.getByRole('button', { name: 'Save' }).click();
    await idle();
    await expect
      .poll(
        async () =>
          (
            await db`select language, attachments, automated_messages from sms_channels where id = ${seed.channelId}`
          )[0],
      )
      .toEqual({
        language: 'bg',
        attachments: { customersCanSend: false, agentsCanSend: true },
        automated_messages: { greeting: 'Здравейте!' },
      });

    // Deleting the number a channel uses, or the workstream's default queue, is refused with what uses it.
    const num = page.locator('#manage-numbers-list .manage-item', { hasText: seed.supportNumber });
    await num.getByRole('button', { name: /Delete/ }).click();
    await num.getByRole('button', { name: /Delete this\?/ }).click();
    await idle();
    await expect.poll(() => page.locator('#manage-numbers-error').textContent()).toMatch(/channel/i);
    const queueRow = page.locator('#queues tr').first();
    const queueName = await queueRow.locator('input').inputValue();
    await queueRow.getByRole('button', { name: /Delete/ }).click();
    await queueRow.getByRole('button', { name: /Delete this\?/ }).click();
    await expect.poll(() => page.locator('#wizard-error').textContent()).toMatch(/workstream|routing rule/);
    expect((await db`select count(*)::int as n from queues where name = ${queueName}`)[0]?.n).toBe(1);

    // Account: rename and disable.
    const acc = page.locator('#manage-accounts-list .manage-item').first();
    await acc.getByLabel(/^Name/).fill('Renamed account');
    await acc.getByLabel(/^Enabled/).uncheck();
    await acc.getByRole('button', { name: 'Save' }).click();
    await idle();
    await expect
      .poll(async () => (await db`select name, enabled from messaging_accounts where id = ${seed.accountId}`)[0])
      .toEqual({ name: 'Renamed account', enabled: false });

    // Rules: move the first one down.
    await page.getByRole('button', { name: 'Move down: First' }).click();
    await expect
      .poll(async () =>
        (await db`select name from routing_rules where workstream_id = ${seed.workstreamId} order by "order"`).map(
          (r) => r.name,
        ),
      )
      .toEqual(['Second', 'First']);

    // Agents are disabled, not deleted.
    const agentRow = page.locator('#agents tr', { hasText: 'Edit Me' });
    await agentRow.getByRole('button', { name: 'Disable' }).click();
    await page.locator('#agents tr[data-disabled="true"]', { hasText: 'Edit Me' }).waitFor();
    expect((await db`select disabled from users where name = 'Edit Me'`)[0]?.disabled).toBe(true);

    // The organisation's SMS switch.
    await page.getByLabel('SMS channel on for the organisation').uncheck();
    await expect
      .poll(async () => (await db`select sms_enabled from settings where id = 1`)[0]?.sms_enabled)
      .toBe(false);
    await page.getByLabel('SMS channel on for the organisation').check();
    await expect.poll(async () => (await db`select sms_enabled from settings where id = 1`)[0]?.sms_enabled).toBe(true);

    // Deleting what nothing uses works: the channel, then its number.
    await ch.getByRole('button', { name: /Delete/ }).click();
    await ch.getByRole('button', { name: /Delete this\?/ }).click();
    await expect
      .poll(async () => (await db`select count(*)::int as n from sms_channels where id = ${seed.channelId}`)[0]?.n)
      .toBe(0);
    await context.close();
  });
});

import { describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN } from '../support/stack.js';
import { signIn } from './browser.js';
import { browserHarness } from './harness.js';

/** The admin page's operating-hours panel (web/client/admin-calendars.ts) in Chromium, against the real API. */

const h = browserHarness({ worker: false });

describe('operating hours on the admin page', () => {
  it('an admin adds a calendar with weekday hours and a holiday, then gives it to a queue', async () => {
    const queue = await h.s.db.sql<{ id: string }[]>`insert into queues (name) values ('Billing') returning id`;
    const { context, page } = await signIn(h.browser, h.base, TEST_ADMIN_TOKEN, '/admin');
    const panel = page.locator('#calendars-panel');
    await panel.getByRole('heading', { name: 'Operating hours' }).waitFor();
    await panel.getByLabel('Name').fill('Sofia office');
    await panel.getByLabel('Time zone').fill('Europe/Sofia');
    await panel.getByLabel('Sat').check();
    await panel.getByLabel('Opens').fill('08:30');
    await panel.getByLabel('Closes').fill('18:00');
    await panel.getByLabel(/Holidays/).fill('2026-12-24\n2026-12-25');
    await panel.getByRole('button', { name: 'Add calendar' }).click();
    const row = panel.locator('#calendars tr', { hasText: 'Sofia office' });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('Europe/Sofia');
    const [cal] = await h.s.db.sql<
      { id: string; weekly: { day: number; start: string; end: string }[]; holidays: { date: string }[] }[]
    >`
      select id, weekly, holidays from calendars where name = 'Sofia office'`;
    expect(cal!.weekly.map((w) => w.day)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cal!.weekly[0]).toEqual({ day: 1, start: '08:30', end: '18:00' });
    expect(cal!.holidays.map((h) => h.date)).toEqual(['2026-12-24', '2026-12-25']);

    await page.locator('#queue-hours-queue').selectOption(queue[0]!.id);
    await page.locator('#queue-hours-calendar').selectOption(cal!.id);
    await page.locator('#form-queue-hours').getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(
        async () =>
          (
            await h.s.db.sql<
              { calendar_id: string | null }[]
            >`select calendar_id from queues where id = ${queue[0]!.id}`
          )[0]!.calendar_id,
      )
      .toBe(cal!.id);

    // A bad time zone is refused with the rule named.
    await panel.getByLabel('Name').fill('Nowhere');
    await panel.getByLabel('Time zone').fill('Mars/Olympus');
    await panel.getByRole('button', { name: 'Add calendar' }).click();
    await expect
      .poll(() => page.locator('#calendars-status').textContent())
      .toMatch(/timeZone: must be an IANA time zone/);
    await context.close();
  });
});

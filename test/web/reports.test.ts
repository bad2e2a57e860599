import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { conversations, csatSurveys, queues, slaMeasurements } from '../../db/schema/index.js';
import { createAgent } from '../support/seed.js';
import { waitReady, watchCsp } from './browser.js';
import { browserHarness } from './harness.js';

// The reports page and the SLA chips in a real Chromium, under the strict CSP, on data written to the read models.
const h = browserHarness({ worker: false });
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
let queueName: string;

beforeAll(async () => {
  queueName = `Billing ${randomUUID().slice(0, 6)}`;
  const [q] = await h.s.db.db.insert(queues).values({ name: queueName }).returning();
  const at = (h: number) => new Date(`${yesterday}T${String(h).padStart(2, '0')}:00:00Z`);
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  await h.s.db.db.insert(conversations).values(
    ids.map((id, i) => ({
      id,
      workflowId: `conv:web:${id}`,
      runId: 'r',
      accountId: randomUUID(),
      queueId: q!.id,
      customerNumber: `1555777000${i}`,
      supportNumber: '15550009999',
      createdAt: at(8 + i),
      state: 'closed' as const,
      resolution: 'resolved' as const,
    })),
  );
  await h.s.db.db.insert(slaMeasurements).values(
    [30, 90, 900].map((seconds, i) => ({
      conversationId: ids[i]!,
      queueId: q!.id,
      kind: 'first_response',
      startedAt: at(8 + i),
      endedAt: new Date(at(8 + i).getTime() + seconds * 1000),
      seconds,
      targetSeconds: 300,
      breached: seconds > 300,
    })),
  );
  await h.s.db.db.insert(csatSurveys).values({
    id: randomUUID(),
    conversationId: ids[0]!,
    queueId: q!.id,
    sentAt: at(12),
    expiresAt: at(20),
    rating: 5,
    answeredAt: at(13),
  });
  // An ongoing conversation whose first response is already breached: the supervisor sees it flagged.
  await h.s.db.db.insert(conversations).values({
    id: randomUUID(),
    workflowId: 'conv:web:ongoing',
    runId: 'r',
    accountId: randomUUID(),
    queueId: q!.id,
    customerNumber: '15557770099',
    supportNumber: '15550009999',
    state: 'open',
    slaFirstResponseDueAt: new Date(Date.now() - 60_000),
    slaFirstResponseWarnedAt: new Date(Date.now() - 120_000),
    slaFirstResponseBreachedAt: new Date(Date.now() - 60_000),
  });
});

async function signInAt(path: string, token: string): Promise<Page> {
  const context = await h.browser.newContext({ baseURL: h.base, viewport: { width: 1280, height: 900 } });
  const page = watchCsp(await context.newPage());
  page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
  await page.goto(path);
  await page.getByLabel(/access token/i).fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

describe('reports page', () => {
  it('a supervisor sees the last 14 days as a chart and a table, and can download the CSV', async () => {
    const sup = await createAgent(h.s.db.db, { role: 'supervisor', name: 'Sam Supervisor' });
    const page = await signInAt('/reports', sup.token);
    await waitReady(page);
    expect(new URL(page.url()).pathname).toBe('/reports');
    expect(await page.locator('html').getAttribute('data-chart-days')).toBe('14');
    // Chart.js drew on the canvas (it sizes the backing store to the box).
    const drawn = await page.locator('#reports-chart').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) painted++;
      return { width: canvas.width, painted };
    });
    expect(drawn.width).toBeGreaterThan(100);
    expect(drawn.painted).toBeGreaterThan(500);
    await expect.poll(() => page.locator('#reports-rows tr').count()).toBe(14);
    await page.getByLabel('Queue').selectOption({ label: queueName });
    const row = page.locator(`#reports-rows tr[data-day="${yesterday}"]`);
    await expect.poll(() => row.locator('td').nth(0).textContent()).toBe('3');
    expect(await row.locator('td').nth(1).textContent()).toBe('1m 30s'); // first response p50
    expect(await row.locator('td').nth(5).textContent()).toBe('67 %');
    expect(await row.locator('td').nth(6).textContent()).toBe('5.0 (1)');
    const href = await page.locator('#reports-csv').getAttribute('href');
    const csv = await page.evaluate(async (url) => (await fetch(url!)).text(), href);
    expect(csv.split('\r\n')[0]).toMatch(/^queue_id,queue_name,day,/);
    expect(csv).toContain(queueName);
    await page.context().close();
  });

  it('in Bulgarian, and agents are refused', async () => {
    const sup = await createAgent(h.s.db.db, { role: 'supervisor' });
    const page = await signInAt('/reports', sup.token);
    await waitReady(page);
    await page.goto('/reports?lang=bg');
    await waitReady(page);
    expect(await page.locator('h2#reports-title').textContent()).toBe('Нива на обслужване и обеми');
    await page.context().close();
    const agent = await createAgent(h.s.db.db, { role: 'agent' });
    const agentPage = await signInAt('/reports', agent.token);
    await agentPage.waitForLoadState();
    expect(await agentPage.locator('body').textContent()).toMatch(/cannot open this page/);
    await agentPage.context().close();
  });

  it('the supervisor view flags an ongoing conversation whose SLA is breached', async () => {
    const sup = await createAgent(h.s.db.db, { role: 'supervisor' });
    const page = await signInAt('/app', sup.token);
    await waitReady(page);
    const chip = page.locator('#sup-ongoing tr', { hasText: '+15557770099' }).locator('[data-sla="breached"]');
    await chip.waitFor({ timeout: 15_000 });
    expect(await chip.textContent()).toMatch(/^First response · breached/);
    expect(await page.getByRole('link', { name: 'Reports' }).getAttribute('href')).toBe('/reports');
    await page.context().close();
  });

  it('the agent sees the running clock of an open conversation, at risk after its warning', async () => {
    const agent = await createAgent(h.s.db.db, { role: 'agent', name: 'Ana Agent' });
    const due = new Date(Date.now() + 5 * 60_000);
    await h.s.db.db.insert(conversations).values({
      id: randomUUID(),
      workflowId: 'conv:web:mine',
      runId: 'r',
      accountId: randomUUID(),
      agentId: agent.id,
      customerNumber: '15557770042',
      supportNumber: '15550009999',
      state: 'active',
      slaNextResponseDueAt: due,
      slaNextResponseWarnedAt: new Date(),
    });
    const page = await signInAt('/app', agent.token);
    await waitReady(page);
    await page.locator('#list-active button', { hasText: '+15557770042' }).click();
    const chip = page.locator('#conv-sla [data-sla="warning"]');
    await chip.waitFor({ timeout: 15_000 });
    expect(await chip.textContent()).toMatch(/^Next response · at risk/);
    await page.context().close();
  });
});

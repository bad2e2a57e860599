import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT, provisionTools } from '../../dev/provision-tools.js';
import { freePort } from '../../dev/temporal-dev-server.js';
import { launchBrowser, waitReady } from './browser.js';

/**
 * README's quick start, literally: `npm start` (dev/start.ts) on a fresh data directory, then as the reader from
 * "smsdesk is running" on: open the Agent link, open the Phone page, text the support number. Each click, fill or
 * page opened counts as a user action; the agent must see the first SMS within 8.
 */
const MAX_ACTIONS = 8;
let child: ChildProcess;
let output = '';
let browser: Browser;
const dataDir = mkdtempSync(join(tmpdir(), 'smsdesk-quickstart-'));
chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user when we are root

beforeAll(async () => {
  const tools = provisionTools();
  const port = (name: string) => freePort().then((p) => [name, String(p)] as const);
  const ports = Object.fromEntries(
    await Promise.all([
      port('PORT'),
      port('SIMULATOR_PORT'),
      port('SMSDESK_TEMPORAL_PORT'),
      port('SMSDESK_TEMPORAL_UI_PORT'),
      port('SMSDESK_POSTGRES_PORT'),
    ]),
  );
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(DATABASE_URL|ENCRYPTION_KEY|TEMPORAL_|TELESIGN_|PORT$|BOOTSTRAP_|PUBLIC_BASE_URL|SMSDESK_)/.test(k),
    ),
  );
  child = spawn(process.execPath, ['--import', 'tsx', 'dev/start.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      ...inherited,
      ...ports,
      PUBLIC_BASE_URL: `http://127.0.0.1:${ports.PORT}`,
      SMSDESK_DATA_DIR: dataDir,
      TEMPORAL_CLI_PATH: tools.temporal,
      TEMPORAL_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (b: Buffer) => {
    output += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    output += b.toString();
  });
  browser = await launchBrowser();
  const deadline = Date.now() + 150_000;
  while (!output.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null) throw new Error(`launcher exited ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`launcher not ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe('README quick start', () => {
  it('from "smsdesk is running" to the agent seeing the first SMS in at most 8 user actions', async () => {
    expect(output).toContain('smsdesk is running');
    const agentLink = /Agent: +(\S+)/.exec(output)?.[1];
    const phoneUrl = /Phone +(\S+)/.exec(output)?.[1];
    const supportNumber = /support number (\d+)/.exec(output)?.[1];
    expect(agentLink && phoneUrl && supportNumber).toBeTruthy();
    let actions = 0;
    const act = async <T>(step: Promise<T>) => {
      actions++;
      return step;
    };

    // Step 3: open the Agent link: the workspace, signed in as Demo Agent, Available.
    const context = await browser.newContext();
    const agent = await context.newPage();
    await act(agent.goto(agentLink!));
    await waitReady(agent);
    expect(await agent.locator('header').textContent()).toContain('Demo Agent');
    expect(await agent.getByLabel('Presence').inputValue()).toBe('available');

    // Step 4: open the Phone page, type a text to the support number and send it.
    const phone = await context.newPage();
    await act(phone.goto(phoneUrl!));
    await act(phone.locator('#to').fill(supportNumber!));
    await act(phone.locator('#text').fill('Hello, is anyone there?'));
    await act(phone.getByRole('button', { name: 'Send SMS' }).click());

    // The conversation appears in the workspace without a reload; opening it shows the text.
    const offered = agent.locator('#list-offered button').first();
    await offered.waitFor({ timeout: 20_000 });
    await act(offered.click());
    await expect
      .poll(() => agent.locator('#transcript').textContent(), { timeout: 10_000 })
      .toContain('Hello, is anyone there?');
    expect(actions).toBeLessThanOrEqual(MAX_ACTIONS);
    console.log(`[quick start] the agent saw the first SMS after ${actions} user actions`);

    // Step 5: the Admin link opens the wizard on the demo's readiness checklist (it resumes there), live.
    const admin = await context.newPage();
    await admin.goto(/Admin: +(\S+)/.exec(output)![1]!);
    await waitReady(admin);
    expect(await admin.locator('form[data-step="summary"]').isVisible()).toBe(true);
    await expect.poll(() => admin.locator('#readiness').getAttribute('data-live')).toBe('true');
    expect(await admin.locator('#test-sms').isVisible()).toBe(true);
    await context.close();
  });
});

import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless. The flags keep it quiet on a closed network (no background services phoning home) and
 * let it run as root in a container. Playwright gives each launch a fresh temporary profile (--user-data-dir).
 * A missing browser is a failure with instructions, never a silent skip.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}; the browser tests need it. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (as .ci/run does), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--disable-dev-shm-usage',
    ],
  });
}

/** A fresh cookie jar signed in with `token` through the login form; resolves on the target page, wired and live. */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  token: string,
  path: '/app' | '/admin' = '/app',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
  watchCsp(page);
  await page.goto(path);
  await page.getByLabel(/access token/i).fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitReady(page);
  expect(new URL(page.url()).pathname).toBe(path);
  return { context, page };
}

/** The client scripts set <html data-ready> once wired (and, on /app, once the event stream is open). */
export async function waitReady(page: Page) {
  await page.waitForSelector('html[data-ready]', { timeout: 15_000 });
}

/** Content-Security-Policy violations Chromium reported on pages passed to `watchCsp` (a page must cause none). */
export const cspViolations: string[] = [];

/** Records CSP violations: Chromium logs each one to the console as an error naming the Content Security Policy. */
export function watchCsp(page: Page): Page {
  page.on('console', (msg) => {
    if (/Content[ -]Security[ -]Policy/i.test(msg.text())) cspViolations.push(`${page.url()}: ${msg.text()}`);
  });
  return page;
}

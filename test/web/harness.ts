import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { listen } from '../../api/server.js';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../telesign/simulator/server.js';
import { ready } from '../support/ready.js';
import { seedChannel } from '../support/seed.js';
import { createTestStack, type TestStack } from '../support/stack.js';
import { cspViolations, launchBrowser } from './browser.js';

export type BrowserHarnessOptions = {
  /** Run a Temporal worker in the stack (pages that drive conversations); read-only pages do without. */
  worker: boolean;
  /** Start the TeleSign simulator with these options; without it, no simulator. */
  simulator?: SimulatorOptions;
  /**
   * After each test: 'none' expects no CSP violation (the pages run under a strict CSP), 'discard' drops the ones a
   * test provoked on purpose, 'ignore' leaves them.
   */
  csp?: 'none' | 'discard' | 'ignore';
};

/**
 * Registers the hooks for a browser test file: the real stack and app on a loopback port, Chromium, and optionally
 * the TeleSign simulator. The fields are readable once the file's tests run.
 */
export function browserHarness(options: BrowserHarnessOptions) {
  let stack: TestStack | undefined;
  let sim: Simulator | undefined;
  let browser: Browser | undefined;
  let server: { port: number; close: () => Promise<void> } | undefined;

  beforeAll(async () => {
    [stack, sim, browser] = await Promise.all([
      createTestStack({ worker: options.worker }),
      options.simulator ? startSimulator(options.simulator) : undefined,
      launchBrowser(),
    ]);
    server = await listen(stack.app, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await sim?.stop();
    await stack?.close();
  });
  const csp = options.csp ?? 'none';
  if (csp === 'none') {
    afterEach(() => {
      expect(cspViolations.splice(0)).toEqual([]);
    });
  } else if (csp === 'discard') {
    afterEach(() => {
      cspViolations.splice(0);
    });
  }

  const harness = {
    get s() {
      return ready(stack, 'browserHarness.s');
    },
    get sim() {
      return ready(sim, 'browserHarness.sim (pass simulator options)');
    },
    get browser() {
      return ready(browser, 'browserHarness.browser');
    },
    /** The app's origin on loopback. */
    get base() {
      return `http://127.0.0.1:${ready(server, 'browserHarness.base').port}`;
    },
    /** A seeded channel whose simulator callbacks (inbound texts, delivery reports) reach this app. */
    async channel(opts: Parameters<typeof seedChannel>[3] = {}) {
      const { s, sim, base } = harness;
      const seed = await seedChannel(s.db.db, s.config, sim, opts);
      sim.setCallbackUrl(seed.customerId, `${base}/webhooks/telesign/${seed.accountId}`);
      return seed;
    },
  };
  return harness;
}

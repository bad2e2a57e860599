import { afterAll, beforeAll } from 'vitest';
import { listen } from '../../api/server.js';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../telesign/simulator/server.js';
import { ready } from '../support/ready.js';
import { seedChannel } from '../support/seed.js';
import { createTestStack, type TestStack } from '../support/stack.js';
import { conversationDriver } from './support.js';

type SeedOptions = Parameters<typeof seedChannel>[3];

/**
 * Registers beforeAll/afterAll for a file that runs conversations end to end on the run's real Temporal dev server:
 * a test stack (Postgres, worker, app), the app listening on loopback for the simulator's callbacks, and the TeleSign
 * simulator. The fields are readable once the file's tests run.
 */
export function realServerHarness(simulator: SimulatorOptions = {}) {
  let stack: TestStack | undefined;
  let sim: Simulator | undefined;
  let server: { port: number; close: () => Promise<void> } | undefined;

  beforeAll(async () => {
    stack = await createTestStack();
    sim = await startSimulator(simulator);
    server = await listen(stack.app, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await server?.close();
    await sim?.stop();
    await stack?.close();
  });

  const harness = {
    get s() {
      return ready(stack, 'realServerHarness.stack');
    },
    get sim() {
      return ready(sim, 'realServerHarness.sim');
    },
    get server() {
      return ready(server, 'realServerHarness.server');
    },
    /** What conversationDriver and the inbox hand-over need. */
    deps() {
      const s = harness.s;
      return { temporal: s.temporal, db: s.db.db, config: s.config, sql: s.db.sql };
    },
    /** Seeds a channel whose TeleSign callbacks (delivery reports, inbound) reach this file's app, and a driver. */
    async setup(opts: SeedOptions = {}) {
      const { s, sim, server } = harness;
      const seed = await seedChannel(s.db.db, s.config, sim, opts);
      sim.setCallbackUrl(seed.customerId, `http://127.0.0.1:${server.port}/webhooks/telesign/${seed.accountId}`);
      return { seed, d: conversationDriver(harness.deps(), seed) };
    },
  };
  return harness;
}

export type RealServerHarness = ReturnType<typeof realServerHarness>;

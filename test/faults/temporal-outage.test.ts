import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { type DevServer, freePort, startTemporalDevServer } from '../../dev/temporal-dev-server.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { customers, type FaultStack, LONG, simulatorLoad, startFaultStack, verdict } from './support.js';

/**
 * Our own Temporal dev server (SQLite file, fixed port) is stopped under 100 msg/s and started again with the same
 * state: 10 s here, 60 s with FAULTS_LONG=1 (npm run faults). The webhook keeps answering 200 (inbox), the relay
 * hands everything over once Temporal is back; nothing acknowledged is lost or doubled.
 */
let db: TestDb;
let dir: string;
let port: number;
let temporal: DevServer | null = null;
let stack: FaultStack;

const startTemporal = async () => {
  temporal = await startTemporalDevServer({
    cli: inject('temporalCliPath'),
    port,
    uiPort: null,
    dbFile: join(dir, 'temporal.sqlite'),
  });
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smsdesk-faults-temporal-'));
  port = await freePort();
  await startTemporal();
  db = await createTestDb();
  stack = await startFaultStack({
    databaseUrl: db.url,
    extraEnv: { TEMPORAL_ADDRESS: `127.0.0.1:${port}` },
    seed: {
      agents: Array.from({ length: 10 }, () => ({ capacity: 50, presence: 'available' as const })),
      workstream: { autoAccept: true },
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  await temporal?.stop();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('Temporal down under 100 msg/s: callbacks are acked and every one reaches its transcript', {
  timeout: 400_000,
}, async () => {
  const downFor = LONG ? 60_000 : 10_000;
  const phones = customers(300, '1779');
  const to = stack.channel.supportNumber;
  let stoppedAt = 0;
  const chaos = (async () => {
    await new Promise((r) => setTimeout(r, 3000));
    await temporal!.stop();
    stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, downFor));
    await startTemporal();
  })();
  const sent = await simulatorLoad(stack.sim, to, {
    customers: phones,
    perSecond: 100,
    seconds: (downFor + 8000) / 1000,
    label: 'temporal',
  });
  await chaos;
  // While Temporal was down the webhook kept acknowledging: the simulator's first attempt of each got a 200.
  const firstAttemptFailures = stack.sim
    .callbacks()
    .filter((c) => c.kind === 'mo_sms' && c.attempts[0] && c.attempts[0].httpStatus !== 200).length;
  const v = await verdict(stack, 'temporal-outage', {
    timeoutMs: 240_000,
    details: { sent, outageMs: downFor, stoppedAt: new Date(stoppedAt).toISOString(), firstAttemptFailures },
  });
  expect(v.ackedInbound).toBe(sent);
  expect(firstAttemptFailures).toBe(0);
  expect(v.lostInbound).toEqual([]);
  expect(v.inboundMoreThanOnce).toBe(0);
  expect(v.outboundNotFinal).toBe(0);
  expect(v.failedWithoutError).toBe(0);
  expect(v.duplicateSends).toBeLessThanOrEqual(5);
});

import { NativeConnection, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DevServer, freePort, startTemporalDevServer } from '../../../dev/temporal-dev-server.js';
import { startInboxRelay } from '../../../inbox/relay.js';
import { createLogger } from '../../../lib/logger.js';
import { createWorker } from '../../../worker/create-worker.js';
import { createTestStack, eventually, type TestStack } from '../../support/stack.js';
import { createAccount, moBody, postCallback, type TestAccount } from './support.js';

/**
 * Temporal goes away while TeleSign keeps calling: every callback is acknowledged from Postgres, and once Temporal is
 * back the relay delivers each message into exactly one transcript row. Runs its own dev server so stopping it
 * disturbs no other test file.
 */
let server: DevServer | undefined;
let port: number;
let s: TestStack;
let acc: TestAccount;
let worker: Worker | undefined;
let workerRun: Promise<void> | undefined;
let workerConn: NativeConnection | undefined;
const SUPPORT = '14252306549';

beforeAll(async () => {
  port = await freePort();
  server = await startTemporalDevServer({ cli: inject('temporalCliPath'), port, uiPort: null });
  s = await createTestStack({ worker: false, env: { TEMPORAL_ADDRESS: server.address } });
  acc = await createAccount(s.db.db, s.config, { numbers: [SUPPORT] });
});
afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await workerRun;
  await workerConn?.close();
  await s?.close();
  await server?.stop();
});

describe('Temporal outage during callbacks', () => {
  it('acks every callback while Temporal is down and delivers each exactly once after it returns', async () => {
    await server!.stop();
    const relay = startInboxRelay(
      { db: s.db.db, temporal: s.temporal, logger: createLogger('silent'), config: s.config },
      { intervalMs: 200 },
    );
    try {
      const bodies = Array.from({ length: 12 }, (_, i) =>
        moBody({ from: `1555333${String(i % 4).padStart(4, '0')}`, to: SUPPORT, text: `message ${i}` }),
      );
      const started = Date.now();
      for (const body of bodies) {
        const res = await postCallback(s.app, acc, body);
        expect(res.status).toBe(200);
      }
      // TeleSign's retry of the first three while Temporal is still down.
      for (const body of bodies.slice(0, 3)) expect((await postCallback(s.app, acc, body)).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(5000);

      // The immediate attempts fail; rows stay pending, each conversation's oldest with the failure recorded (the
      // later ones of a conversation wait behind it: nothing may overtake it).
      await eventually(async () => {
        const rows = await s.db.sql`select status, attempts, last_error, conversation_key, seq from inbox
          where kind = 'mo_sms' order by seq`;
        const heads = rows.filter((r, i) => rows.findIndex((o) => o.conversation_key === r.conversation_key) === i);
        return (
          rows.length === 12 &&
          rows.every((r) => r.status === 'pending') &&
          heads.length === 4 &&
          heads.every((r) => r.attempts >= 1 && r.last_error)
        );
      }, 30_000);

      server = await startTemporalDevServer({ cli: inject('temporalCliPath'), port, uiPort: null });
      workerConn = await NativeConnection.connect({ address: server.address });
      worker = await createWorker({
        connection: workerConn,
        config: s.config,
        deps: { db: s.db.db, config: s.config },
        workflowBundle: { codePath: inject('workflowBundlePath') },
      });
      workerRun = worker.run();

      await eventually(async () => {
        const [r] = await s.db.sql`select count(*)::int as n from inbox where kind = 'mo_sms' and status = 'delivered'`;
        return r!.n === 12;
      }, 90_000);
      for (const body of bodies) {
        const rows = await eventually(async () => {
          const r = await s.db.sql`select text from messages where provider_reference_id = ${body.reference_id}`;
          return r.length ? r : undefined;
        }, 30_000);
        expect(rows).toEqual([{ text: body.user_response.mo_message }]);
      }
      const [{ n }] = (await s.db
        .sql`select count(*)::int as n from messages where direction = 'inbound'`) as unknown as [{ n: number }];
      expect(n).toBe(12);
    } finally {
      await relay.stop();
    }
  }, 180_000);
});

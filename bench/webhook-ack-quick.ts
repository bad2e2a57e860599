/**
 * TeleSign callback ack latency under a short local load, over real HTTP (autocannon).
 *
 *   npx tsx bench/webhook-ack-quick.ts [seconds=10] [connections=10] [--dlr] [--no-worker]
 *
 * One process like `npm start`: embedded PostgreSQL (fsync on, temp dir), a Temporal dev server, a worker (unless
 * --no-worker) whose automated replies go to the TeleSign simulator, the API with its inbox relay. Every request is a distinct, correctly signed mo_sms for a routable
 * number (so each is committed to the inbox and handed to Temporal after the answer); --dlr posts delivery reports
 * for unknown references instead (one transaction, no Temporal). Afterwards it checks that every 200 is a row.
 * DATABASE_URL / TEMPORAL_ADDRESS reuse existing servers (a scratch database is created and dropped).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import postgres from 'postgres';
import { createApp } from '../api/app.js';
import { startBackgroundServices } from '../api/background.js';
import { listen } from '../api/server.js';
import { loadConfig } from '../config/env.js';
import { createDb } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { messagingAccounts, phoneNumbers, queues, smsChannels, workstreams } from '../db/schema/index.js';
import { startEmbeddedPostgres } from '../dev/embedded-postgres.js';
import { provisionTools } from '../dev/provision-tools.js';
import { freePort, startTemporalDevServer } from '../dev/temporal-dev-server.js';
import { createLogger } from '../lib/logger.js';
import { encryptSecret, keyringFromConfig } from '../lib/secrets.js';
import { installTemporalRuntime } from '../lib/temporal-runtime.js';
import { callbackHeaders } from '../telesign/signature.js';
import { startSimulator } from '../telesign/simulator/server.js';
import { createWorker } from '../worker/create-worker.js';

type AutocannonResult = {
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  requests: { average: number; total: number };
  statusCodeStats: Record<string, { count: number }>;
  errors: number;
  timeouts: number;
  non2xx: number;
};
const autocannon = createRequire(import.meta.url)('autocannon') as (
  opts: Record<string, unknown>,
) => Promise<AutocannonResult>;

const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith('--')));
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const seconds = Number(args[0] ?? 10);
const connections = Number(args[1] ?? 10);
const dlr = flags.has('--dlr');
const withWorker = !flags.has('--no-worker');

const step = (m: string) => console.error(`[bench] ${m}`);
const tmp = mkdtempSync(join(tmpdir(), 'smsdesk-bench-'));
chmodSync(tmp, 0o755);
const cleanups: (() => Promise<void>)[] = [async () => rmSync(tmp, { recursive: true, force: true })];
try {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const pg = await startEmbeddedPostgres({ dir: join(tmp, 'pg'), port: await freePort(), persistent: true });
    cleanups.push(pg.stop);
    adminUrl = pg.adminUrl;
  }
  step('postgres ready');
  const dbName = `bench_${Date.now()}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  cleanups.push(async () => {
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  await runMigrations(url.toString());

  step('migrated');
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const server = await startTemporalDevServer({ cli: provisionTools().temporal, uiPort: null });
    cleanups.push(server.stop);
    temporalAddress = server.address;
  }
  // The worker's automated replies (greeting…) go to the TeleSign simulator, as under `npm start`.
  const sim = await startSimulator({});
  cleanups.push(sim.stop);
  const config = loadConfig({
    TELESIGN_BASE_URL: sim.url,
    DATABASE_URL: url.toString(),
    ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    LOG_LEVEL: 'error',
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: `bench-${randomBytes(4).toString('hex')}`,
  });
  installTemporalRuntime('ERROR');
  const logger = createLogger(config.LOG_LEVEL);
  const db = createDb(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
  cleanups.push(db.close);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  cleanups.push(() => connection.close());
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  if (withWorker) {
    const nc = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    const worker = await createWorker({ connection: nc, config, deps: { db: db.db, config } });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
      await nc.close();
    });
  }
  step('temporal and worker ready');
  const deps = { config, db: db.db, sql: db.sql, temporal, logger };
  const background = await startBackgroundServices(deps);
  cleanups.push(background.stop);
  const server = await listen(createApp(deps), 0, '127.0.0.1');
  cleanups.push(server.close);

  const customerId = 'BENCH-0000-0000-0000-000000000001';
  const apiKey = randomBytes(48).toString('base64');
  sim.addAccount({ customerId, apiKey });
  const support = '14252306549';
  const [acc] = await db.db
    .insert(messagingAccounts)
    .values({
      name: 'bench',
      customerId,
      apiKeyCiphertext: encryptSecret(apiKey, keyringFromConfig(config)),
      apiKeyHint: '…bench',
    })
    .returning();
  const [q] = await db.db.insert(queues).values({ name: 'bench' }).returning();
  const [ws] = await db.db.insert(workstreams).values({ name: 'bench', defaultQueueId: q!.id }).returning();
  const [pn] = await db.db
    .insert(phoneNumbers)
    .values({ accountId: acc!.id, number: support, type: 'geo' })
    .returning();
  await db.db.insert(smsChannels).values({ workstreamId: ws!.id, phoneNumberId: pn!.id });

  let seq = 0;
  const body = () => {
    const n = seq++;
    const now = new Date().toISOString();
    const reference_id = randomBytes(16).toString('hex').toUpperCase();
    return JSON.stringify(
      dlr
        ? {
            reference_id,
            status: { code: 200, description: 'Delivered to handset', updated_on: now },
            sub_resource: 'sms',
          }
        : {
            reference_id,
            status: { code: 1500, description: 'Delivered to customer', updated_on: now },
            submit_timestamp: now,
            errors: [],
            sub_resource: 'mo_sms',
            // 200 customers, so conversations get several messages each.
            user_response: {
              phone_number: `1555${String(n % 200).padStart(7, '0')}`,
              sender_id: support,
              mo_message: `load ${n}`,
            },
          },
    );
  };
  const target = `http://127.0.0.1:${server.port}/webhooks/telesign/${acc!.id}`;
  const common = {
    url: target,
    connections,
    method: 'POST',
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => {
          const raw = body();
          return {
            ...req,
            body: raw,
            headers: { 'content-type': 'application/json', ...callbackHeaders(customerId, apiKey, raw) },
          };
        },
      },
    ],
  };
  step(`load on ${target}`);
  await autocannon({ ...common, duration: 2 }); // warm-up (JIT, pools), not reported
  const [{ n: before }] = (await db.sql`select count(*)::int as n from inbox`) as unknown as [{ n: number }];
  const r = await autocannon({ ...common, duration: seconds });
  const [{ n: after }] = (await db.sql`select count(*)::int as n from inbox`) as unknown as [{ n: number }];
  const ok = r.statusCodeStats['200']?.count ?? 0;
  // Let immediate hand-overs still in flight finish before the pools close (they would fall to the relay anyway).
  await new Promise((res) => setTimeout(res, 2000));
  const result = {
    measured: `POST /webhooks/telesign/{accountId}, signed ${dlr ? 'delivery reports (unknown reference)' : 'mo_sms (routable)'}, time to the 200 as seen by autocannon, ms`,
    command: `npx tsx bench/webhook-ack-quick.ts ${seconds} ${connections}${dlr ? ' --dlr' : ''}${withWorker ? '' : ' --no-worker'}`,
    seconds,
    connections,
    worker: withWorker,
    latencyMs: {
      median: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
      mean: r.latency.average,
    },
    throughputPerSecond: r.requests.average,
    requests: r.requests.total,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count])),
    errors: r.errors,
    timeouts: r.timeouts,
    storedRows: after - before,
    every200Stored: after - before >= ok,
    at: new Date().toISOString(),
    node: process.version,
  };
  console.log(JSON.stringify(result, null, 2));
  writeFileSync(
    new URL(
      `./results/webhook-ack-quick${dlr ? '-dlr' : ''}${withWorker ? '' : '-no-worker'}-c${connections}.json`,
      import.meta.url,
    ),
    `${JSON.stringify(result, null, 2)}\n`,
  );
} finally {
  for (const c of cleanups.reverse()) await c().catch((e) => console.error('cleanup:', e));
}
process.exit(0);

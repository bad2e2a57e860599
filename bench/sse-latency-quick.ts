/**
 * Live-event latency on one machine, over real HTTP. Sequential events, so this is latency, not throughput.
 *
 * Quick (default): publishEvent → SSE. A publisher pool (as the worker's activities use) inserts + NOTIFYs; the API
 * process's LISTEN hub reads the row and writes it to SSE clients connected with fetch.
 *   npx tsx bench/sse-latency-quick.ts [count=300] [clients=1]
 *   (DATABASE_URL if set — a scratch database is created and dropped — else embedded PostgreSQL in a temp dir)
 *
 * Full (--full): inbound TeleSign callback → SSE. The whole local stack (Temporal dev server, embedded PostgreSQL,
 * worker, API) plus the TeleSign simulator; a channel is provisioned through the API; each customer SMS is posted by
 * the simulator to the webhook (signed), handed to the conversation workflow, recorded by its activity, and the
 * resulting message.created event is timed at a supervisor's SSE client.
 *   npx tsx bench/sse-latency-quick.ts --full [count=100]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { hashToken } from '../api/auth.js';
import { startBackgroundServices } from '../api/background.js';
import { listen } from '../api/server.js';
import { createApp } from '../app/create-app.js';
import { loadConfig } from '../config/env.js';
import { createDb } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { publishEvent } from '../db/publish-event.js';
import { users } from '../db/schema/index.js';
import { startEmbeddedPostgres } from '../dev/embedded-postgres.js';
import { startLocalStack } from '../dev/local-stack.js';
import { freePort } from '../dev/temporal-dev-server.js';
import { provision } from '../examples/provision.js';
import { createLogger } from '../lib/logger.js';
import { startSimulator } from '../telesign/simulator/server.js';
import { readSse } from '../test/api/events/sse-client.js';

const full = process.argv.includes('--full');
const args = process.argv.slice(2).filter((a) => a !== '--full');
const count = Number(args[0] ?? (full ? 100 : 300));
const clients = Number(args[1] ?? 1);

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { median: +q(0.5).toFixed(2), p90: +q(0.9).toFixed(2), p99: +q(0.99).toFixed(2), max: +s.at(-1)!.toFixed(2) };
};
const save = (name: string, result: unknown) => {
  console.log(JSON.stringify(result, null, 2));
  writeFileSync(new URL(`./results/${name}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
};

if (full) {
  await benchFull();
  process.exit(0);
}

const tmp = mkdtempSync(join(tmpdir(), 'smsdesk-bench-'));
const cleanups: (() => Promise<void>)[] = [async () => rmSync(tmp, { recursive: true, force: true })];
try {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    (await import('node:fs')).chmodSync(tmp, 0o755);
    // Durable settings (fsync on), as in production; the temp dir is removed afterwards.
    const pg = await startEmbeddedPostgres({ dir: join(tmp, 'pg'), port: await freePort(), persistent: true });
    cleanups.push(pg.stop);
    adminUrl = pg.adminUrl;
  }
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

  const config = loadConfig({
    DATABASE_URL: url.toString(),
    ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: '127.0.0.1:1',
  });
  const logger = createLogger(config.LOG_LEVEL);
  const api = createDb(config.DATABASE_URL, { max: 10 });
  const publisher = createDb(config.DATABASE_URL, { max: 2 });
  cleanups.push(api.close, publisher.close);
  // The event path needs no Temporal; a lazy client never connects.
  const temporal = new Client({ connection: Connection.lazy({ address: config.TEMPORAL_ADDRESS }) });
  const deps = { config, db: api.db, sql: api.sql, temporal, logger };
  const background = await startBackgroundServices(deps);
  cleanups.push(background.stop);
  const server = await listen(createApp(deps), 0, '127.0.0.1');
  cleanups.push(server.close);

  const token = 'bench-supervisor-token';
  await api.db.insert(users).values({ name: 'Bench', role: 'supervisor', tokenHash: hashToken(token) });
  const streams = [];
  for (let i = 0; i < clients; i++) {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const sse = readSse(res);
    await sse.waitFor((e) => e.event === 'ready');
    streams.push(sse);
    cleanups.push(sse.close);
  }

  const total: number[] = [];
  const afterCommit: number[] = [];
  for (let i = -20; i < count; i++) {
    const t0 = performance.now();
    const waits = streams.map((s) => s.next((e) => e.json.seq === i, 5000));
    await publishEvent(publisher.db, {
      type: 'message.created',
      conversationId: null,
      agentIds: [],
      data: { seq: i },
    });
    const t1 = performance.now();
    await Promise.all(waits);
    const t2 = performance.now();
    if (i >= 0) {
      total.push(t2 - t0);
      afterCommit.push(t2 - t1);
    }
  }
  const result = {
    measured: 'publishEvent (insert + NOTIFY + commit) → event parsed by an SSE client over HTTP, ms',
    count,
    clients,
    publishToSse: stats(total),
    commitToSse: stats(afterCommit),
    at: new Date().toISOString(),
    node: process.version,
  };
  save('sse-latency-quick', result);
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => {});
}
process.exit(0);

async function benchFull() {
  const dataDir = mkdtempSync(join(tmpdir(), 'smsdesk-bench-full-'));
  (await import('node:fs')).chmodSync(dataDir, 0o755);
  const sim = await startSimulator({ port: 0, dlrDelaysMs: [50, 150] });
  const stack = await startLocalStack({
    dataDir,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TELESIGN_BASE_URL: sim.url,
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    },
    temporalPort: await freePort(),
    temporalUiPort: null,
    postgresPort: await freePort(),
    log: () => {},
  });
  try {
    const base = stack.apiUrl.replace('localhost', '127.0.0.1');
    const supportNumber = '14252306549';
    const acc = sim.addAccount({ numbers: [supportNumber] });
    const setup = await provision({
      baseUrl: base,
      token: stack.adminToken!,
      customerId: acc.customerId,
      apiKey: acc.apiKey,
      number: supportNumber,
      restEndpoint: sim.url,
    });
    sim.setCallbackUrl(acc.customerId, `${base}/webhooks/telesign/${setup.accountId}`);
    const res = await fetch(`${base}/api/v1/events`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
    const sse = readSse(res);
    await sse.waitFor((e) => e.event === 'ready');

    const total: number[] = [];
    const ack: number[] = [];
    const afterAck: number[] = [];
    const customers = Array.from({ length: 5 }, (_, i) => `1555000${String(1000 + i)}`);
    for (let i = -5; i < count; i++) {
      const customer = customers[(i + 5) % customers.length]!;
      const t0 = performance.now();
      const seen = sse.next((e) => e.event === 'message.created' && e.json.direction === 'inbound', 15_000);
      await sim.phone(customer).send(supportNumber, `bench message ${i}`);
      const t1 = performance.now();
      await seen;
      const t2 = performance.now();
      if (i >= 0) {
        total.push(t2 - t0);
        ack.push(t1 - t0);
        afterAck.push(t2 - t1);
      }
    }
    await sse.close();
    save('sse-latency-full', {
      measured: 'simulator posts a signed mo_sms callback → message.created parsed by a supervisor SSE client, ms',
      count,
      callbackToSse: stats(total),
      webhookAck: stats(ack),
      ackToSse: stats(afterAck),
      at: new Date().toISOString(),
      node: process.version,
    });
  } finally {
    await stack.stop();
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * publishEvent → SSE delivery latency, measured end to end over real HTTP on one machine:
 * a publisher pool (as the worker's activities would use) inserts + NOTIFYs; the API process's LISTEN hub reads the
 * row and writes it to an SSE client connected with fetch. Sequential events, so this is latency, not throughput.
 *
 *   npx tsx bench/sse-latency-quick.ts [count=300] [clients=1]
 *
 * Uses DATABASE_URL if set (a scratch database is created and dropped), else an embedded PostgreSQL in a temp dir.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { createApp } from '../api/app.js';
import { hashToken } from '../api/auth.js';
import { startBackgroundServices } from '../api/background.js';
import { listen } from '../api/server.js';
import { loadConfig } from '../config/env.js';
import { createDb } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { publishEvent } from '../db/publish-event.js';
import { users } from '../db/schema/index.js';
import { startEmbeddedPostgres } from '../dev/embedded-postgres.js';
import { freePort } from '../dev/temporal-dev-server.js';
import { createLogger } from '../lib/logger.js';
import { readSse } from '../test/api/events/sse-client.js';

const count = Number(process.argv[2] ?? 300);
const clients = Number(process.argv[3] ?? 1);

const tmp = mkdtempSync(join(tmpdir(), 'smsdesk-bench-'));
const cleanups: (() => Promise<void>)[] = [async () => rmSync(tmp, { recursive: true, force: true })];
try {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    (await import('node:fs')).chmodSync(tmp, 0o755);
    const pg = await startEmbeddedPostgres({ dir: join(tmp, 'pg'), port: await freePort(), persistent: false });
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
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
    return { median: +q(0.5).toFixed(2), p90: +q(0.9).toFixed(2), p99: +q(0.99).toFixed(2), max: +s.at(-1)!.toFixed(2) };
  };
  const result = {
    measured: 'publishEvent (insert + NOTIFY + commit) → event parsed by an SSE client over HTTP, ms',
    count,
    clients,
    publishToSse: stats(total),
    commitToSse: stats(afterCommit),
    at: new Date().toISOString(),
    node: process.version,
  };
  console.log(JSON.stringify(result, null, 2));
  writeFileSync(new URL('./results/sse-latency-quick.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => {});
}
process.exit(0);

import { randomBytes } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../dev/temporal-dev-server.js';
import { createTestDb, type TestDb } from '../support/db.js';
import {
  type ApiProcess,
  processEnv,
  type RunningProcess,
  startApiProcess,
  startWorkerProcess,
  stopAll,
} from '../support/processes.js';
import { eventually } from '../support/stack.js';
import { ADMIN_HEADERS, type Channel, callApi, postMo as postMoAs, seedChannel } from './fixtures.js';

/**
 * Two API processes and two worker processes (the production entry points) on one Temporal and one PostgreSQL:
 * a callback posted to API #1 is readable from API #2, both workers poll the same task queue, and losing a worker
 * or an API replica (SIGTERM) loses nothing.
 */

const supportNumber = '15557654321';

let db: TestDb;
let taskQueue: string;
let apis: ApiProcess[] = [];
let workers: RunningProcess[] = [];
let channel: Channel;
let sdkMetricsPort: number;
let workerMetricsPort: number;

async function call(api: ApiProcess, path: string, init: RequestInit = {}) {
  return callApi(api.url, path, init);
}

async function postMo(api: ApiProcess, customerNumber: string, text: string): Promise<void> {
  const res = await postMoAs(api.url, channel, customerNumber, text);
  expect(res.status, await res.clone().text()).toBe(200);
}

async function conversationOf(customerNumber: string): Promise<{ id: string }> {
  return eventually(async () => {
    const rows = await db.sql<{ id: string }[]>`
      select id from conversations where customer_number = ${customerNumber} and support_number = ${supportNumber}`;
    return rows[0];
  }, 30_000);
}

beforeAll(async () => {
  db = await createTestDb();
  taskQueue = `replicas-${randomBytes(5).toString('hex')}`;
  const env = processEnv({ databaseUrl: db.url, taskQueue });
  sdkMetricsPort = await freePort();
  workerMetricsPort = await freePort();
  const metricsEnv = {
    TEMPORAL_METRICS_BIND: `127.0.0.1:${sdkMetricsPort}`,
    WORKER_METRICS_BIND: `127.0.0.1:${workerMetricsPort}`,
  };
  // The API runs the migrations' result only; the worker is slower to start (bundle load), so start all at once.
  [apis, workers] = await Promise.all([
    Promise.all([startApiProcess(env, { name: 'api-1' }), startApiProcess(env, { name: 'api-2' })]),
    Promise.all([
      startWorkerProcess({ ...env, ...metricsEnv }, { name: 'worker-1' }),
      startWorkerProcess(env, { name: 'worker-2' }),
    ]),
  ]);
  channel = await seedChannel(apis[0]!.url, 'Replicas', supportNumber);
}, 150_000);

afterAll(async () => {
  await stopAll([...apis, ...workers]);
  await db?.drop();
});

describe('two API replicas and two workers on one Temporal and one PostgreSQL', () => {
  it('both workers poll the shared task queue', async () => {
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const identities = await eventually(async () => {
        const res = await connection.workflowService.describeTaskQueue({
          namespace: 'default',
          taskQueue: { name: taskQueue },
          taskQueueType: 1 as never, // TASK_QUEUE_TYPE_WORKFLOW
        });
        const ids = new Set((res.pollers ?? []).map((p) => p.identity));
        return ids.size >= 2 ? ids : undefined;
      });
      expect(identities.size).toBe(2);
    } finally {
      await connection.close();
    }
  });

  it('a callback posted to API #1 is readable from API #2, for several customers', async () => {
    const customers = ['15551230001', '15551230002', '15551230003', '15551230004'];
    // Alternate the replica that receives each callback.
    await Promise.all(customers.map((n, i) => postMo(apis[i % 2]!, n, `Hello from ${n}`)));
    for (const [i, n] of customers.entries()) {
      const conv = await conversationOf(n);
      const reader = apis[(i + 1) % 2]!;
      const res = await eventually(async () => {
        const r = await call(reader, `/api/v1/conversations/${conv.id}`);
        return r.status === 200 && r.body.messages?.length ? r : undefined;
      });
      expect(res.body).toMatchObject({
        id: conv.id,
        customerNumber: n,
        supportNumber,
        messages: expect.arrayContaining([expect.objectContaining({ direction: 'inbound', text: `Hello from ${n}` })]),
      });
    }
  });

  it('workers export Temporal SDK metrics and their own (sends, Node process) for Prometheus', async () => {
    const sdk = await eventually(async () => {
      const text = await (await fetch(`http://127.0.0.1:${sdkMetricsPort}/metrics`)).text();
      return text.includes('temporal_workflow_task_schedule_to_start_latency') ? text : undefined;
    });
    expect(sdk).toMatch(/^temporal_worker_task_slots_available\{/m);
    expect(sdk).toContain(`task_queue="${taskQueue}"`);
    const own = await (await fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`)).text();
    expect(own).toContain('# TYPE smsdesk_sends_total counter');
    expect(own).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('SIGTERM: a worker finishes and exits 0 within 30 s; the other worker carries on', async () => {
    const worker = workers[1]!;
    const started = Date.now();
    worker.child.kill('SIGTERM');
    const code = await Promise.race([worker.exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);
    expect(code, worker.output().slice(-3000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(worker.output()).toContain('"msg":"worker stopped"');

    await postMo(apis[1]!, '15551230009', 'After a worker left');
    const conv = await conversationOf('15551230009');
    const res = await eventually(async () => {
      const r = await call(apis[0]!, `/api/v1/conversations/${conv.id}`);
      return r.status === 200 && r.body.messages?.length ? r : undefined;
    });
    expect(res.body.messages[0]).toMatchObject({ direction: 'inbound', text: 'After a worker left' });
  });

  it('SIGTERM: an API replica exits 0 within 30 s; the other keeps answering', async () => {
    const api = apis[1]!;
    const started = Date.now();
    api.child.kill('SIGTERM');
    const code = await Promise.race([api.exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);
    expect(code, api.output().slice(-3000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect((await fetch(`${apis[0]!.url}/readyz`)).status).toBe(200);
  });

  it('logs are JSON lines carrying request ids, and the admin token never appears', async () => {
    const api = apis[0]!;
    const res = await fetch(`${api.url}/api/v1/conversations/${crypto.randomUUID()}`, { headers: ADMIN_HEADERS });
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    const line = await eventually(async () =>
      api
        .output()
        .split('\n')
        .find((l) => l.includes(requestId!)),
    );
    expect(JSON.parse(line)).toMatchObject({ requestId, method: 'GET', status: 404, role: 'api' });
    expect(api.output()).not.toContain('test-admin-token-0123456789');
    expect(api.output()).not.toContain(channel.apiKey);
  });
});

import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.js';
import {
  type ApiProcess,
  processEnv,
  type RunningProcess,
  startApiProcess,
  startWorkerProcess,
} from '../support/processes.js';
import { eventually } from '../support/stack.js';
import { postMo, seedChannel } from './fixtures.js';

/**
 * OpenTelemetry end to end: API and worker export OTLP/HTTP (JSON) to a fake collector; one inbound callback yields
 * a single trace from the API's request span through the Temporal client call into workflow and activity spans.
 */

type Span = { traceId: string; name: string; service: string };

let collector: Server;
let collectorUrl: string;
const spans: Span[] = [];
let db: TestDb;
let api: ApiProcess;
let worker: RunningProcess;

beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      try {
        for (const rs of JSON.parse(body).resourceSpans ?? []) {
          const service = rs.resource?.attributes?.find((a: { key: string }) => a.key === 'service.name')?.value
            ?.stringValue;
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) spans.push({ traceId: s.traceId, name: s.name, service });
          }
        }
      } catch {}
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', () => r()));
  collectorUrl = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;

  db = await createTestDb();
  const env = processEnv({
    databaseUrl: db.url,
    taskQueue: `tracing-${randomBytes(5).toString('hex')}`,
    extra: { OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl, OTEL_BSP_SCHEDULE_DELAY: '200' },
  });
  // This worker bundles its workflows itself, so the OpenTelemetry workflow interceptors are included.
  const { TEMPORAL_WORKFLOW_BUNDLE: _, ...workerEnv } = env;
  [api, worker] = await Promise.all([startApiProcess(env), startWorkerProcess(workerEnv, { timeoutMs: 120_000 })]);
}, 180_000);

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
  await db?.drop();
  await new Promise((r) => collector?.close(r));
});

describe('tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('one inbound callback is one trace across the API, Temporal, the workflow and its activities', async () => {
    const channel = await seedChannel(api.url, 'Tracing', '15557654321');
    const traceId = randomBytes(16).toString('hex');
    const res = await postMo(api.url, channel, '15551239999', 'trace me', {
      traceparent: `00-${traceId}-${'1'.repeat(16)}-01`,
    });
    expect(res.status).toBe(200);
    const apiSpan = await eventually(async () =>
      spans.find((s) => s.traceId === traceId && s.service === 'smsdesk-api'),
    );
    expect(apiSpan.name).toBe('POST /webhooks/telesign/:accountId');
    // Workflow spans are exported when their activation completes, activity spans when the activity does (local
    // activities run after the activation that scheduled them): wait for the first activity's batch as well.
    const fromWorker = await eventually(
      async () =>
        spans.some((s) => s.traceId === traceId && s.service === 'smsdesk-worker' && s.name.startsWith('RunActivity:')),
      30_000,
    ).catch(() => false);
    expect(fromWorker).toBe(true);
    const names = spans.filter((s) => s.traceId === traceId).map((s) => s.name);
    // RunWorkflow ends only when the conversation does; the signal and activity spans show the chain meanwhile.
    expect(names).toContain('SignalWithStartWorkflow:conversationWorkflow');
    expect(names).toContain('HandleSignal:inbound');
    expect(names.some((n) => n.startsWith('RunActivity:'))).toBe(true);
  });
});

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Process-wide Prometheus registry. Counters and histograms are recorded where things happen; gauges that describe
 * shared state (inbox backlog, conversations by state) are computed from Postgres at scrape time by the /metrics
 * route, so every replica reports the same truth.
 */
export const registry = new Registry();

// Node process metrics (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, …) under their standard names, so
// stock Node.js dashboards work.
collectDefaultMetrics({ register: registry });

export const metrics = {
  webhookAckSeconds: new Histogram({
    name: 'smsdesk_webhook_ack_seconds',
    help: 'Time to answer a TeleSign callback, by HTTP status',
    labelNames: ['status', 'kind'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
  inboxHandOvers: new Counter({
    name: 'smsdesk_inbox_handover_total',
    help: 'Hand-overs of inbound SMS to Temporal, by path (immediate or relay) and outcome',
    labelNames: ['path', 'outcome'] as const,
    registers: [registry],
  }),
  inboxSwept: new Counter({
    name: 'smsdesk_inbox_swept_total',
    help: 'Inbound SMS handed over again by the sweeper because no transcript row appeared after the hand-over',
    registers: [registry],
  }),
  sendLookups: new Counter({
    name: 'smsdesk_send_lookups_total',
    help: 'TeleSign look-ups before re-sending an SMS whose earlier attempt has an unknown outcome, by result',
    labelNames: ['by', 'result'] as const,
    registers: [registry],
  }),
  sendDuplicates: new Counter({
    name: 'smsdesk_send_duplicates_total',
    help: 'Outbound SMS that may have reached TeleSign twice (resent after an unknown outcome no look-up could settle), or did (a second reference id reported for one message)',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  attachmentsStored: new Counter({
    name: 'smsdesk_attachments_stored_total',
    help: 'Files stored in conversations, by source (agent, customer_upload, inbound_media)',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  attachmentBytesStored: new Counter({
    name: 'smsdesk_attachment_bytes_stored_total',
    help: 'Bytes of files stored in conversations, by source',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  attachmentDownloads: new Counter({
    name: 'smsdesk_attachment_downloads_total',
    help: 'Attachment downloads, by who (customer through a link, staff in the workspace)',
    labelNames: ['by'] as const,
    registers: [registry],
  }),
  attachmentsRefused: new Counter({
    name: 'smsdesk_attachments_refused_total',
    help: 'Files refused, by reason (type, too_large, toggle)',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  retentionPurged: new Counter({
    name: 'smsdesk_retention_purged_total',
    help: 'Rows purged by the retention job, by table and action (payload nulled or row deleted)',
    labelNames: ['table', 'action'] as const,
    registers: [registry],
  }),
  sends: new Counter({
    name: 'smsdesk_sends_total',
    help: 'Outbound SMS send attempts by outcome and TeleSign status code',
    labelNames: ['outcome', 'code'] as const,
    registers: [registry],
  }),
};

/**
 * Gauges filled from Postgres right before each scrape (api/resources/metrics/metrics.handlers.ts). They describe
 * the whole system, not this replica: sum or max them across replicas in PromQL would double count, so use max() or a
 * single target.
 */
export const stateGauges = {
  inboxBacklog: new Gauge({
    name: 'smsdesk_inbox_backlog',
    help: 'Inbox rows waiting to be handed over to Temporal (status pending)',
    registers: [registry],
  }),
  inboxOldestAgeSeconds: new Gauge({
    name: 'smsdesk_inbox_oldest_pending_age_seconds',
    help: 'Age of the oldest pending inbox row in seconds (0 when the inbox is empty)',
    registers: [registry],
  }),
  messages: new Gauge({
    name: 'smsdesk_messages_recent',
    help: 'Messages created in the last 24 h by direction, status and TeleSign status code ("none" when unset)',
    labelNames: ['direction', 'status', 'code'] as const,
    registers: [registry],
  }),
  conversations: new Gauge({
    name: 'smsdesk_conversations',
    help: 'Conversations not closed, by state; closed ones count only when closed in the last 24 h',
    labelNames: ['state'] as const,
    registers: [registry],
  }),
  offers: new Gauge({
    name: 'smsdesk_offers_recent',
    help: 'Offers made to agents in the last 24 h, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  scrapeErrors: new Counter({
    name: 'smsdesk_metrics_query_errors_total',
    help: 'Scrape-time state queries that failed (the gauges then keep their previous values)',
    registers: [registry],
  }),
};

/**
 * Serves this registry on its own port, for processes without the API's HTTP server (the worker records sends and
 * Node process metrics here; the Temporal SDK's own metrics are on TEMPORAL_METRICS_BIND). Resolves once listening.
 */
export async function serveMetrics(host: string, port: number): Promise<{ port: number; close: () => Promise<void> }> {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

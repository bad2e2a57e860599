import { Counter, Histogram, Registry } from 'prom-client';

/**
 * Process-wide Prometheus registry. Counters and histograms are recorded where things happen; gauges that describe
 * shared state (inbox backlog, conversations by state) are computed from Postgres at scrape time by the /metrics
 * route, so every replica reports the same truth.
 */
export const registry = new Registry();

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
  sends: new Counter({
    name: 'smsdesk_sends_total',
    help: 'Outbound SMS send attempts by outcome and TeleSign status code',
    labelNames: ['outcome', 'code'] as const,
    registers: [registry],
  }),
};

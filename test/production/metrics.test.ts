import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, inbox, messages, offers, users } from '../../db/schema/index.js';
import { metrics } from '../../lib/metrics.js';
import { createTestStack, type TestStack } from '../support/stack.js';
import { signedHeaders } from './fixtures.js';

let s: TestStack;
let accountId: string;
const apiKey = randomBytes(32).toString('base64');

beforeAll(async () => {
  s = await createTestStack({ worker: false });
  const res = await s.app.request('/api/v1/messaging-accounts', {
    method: 'POST',
    headers: { ...s.adminHeaders, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Metrics', provider: 'telesign', customerId: 'CUST-M', apiKey }),
  });
  expect(res.status).toBe(201);
  accountId = (await res.json()).id;
  // Shared state the scrape-time gauges read.
  const [agent] = await s.db.db.insert(users).values({ name: 'A', role: 'agent', tokenHash: randomUUID() }).returning();
  const convId = randomUUID();
  await s.db.db.insert(conversations).values({
    id: convId,
    workflowId: 'wf-metrics',
    runId: 'run',
    accountId,
    state: 'waiting',
    customerNumber: '15550000001',
    supportNumber: '4442',
  });
  await s.db.db.insert(messages).values([
    {
      id: randomUUID(),
      conversationId: convId,
      direction: 'outbound',
      text: 'hi',
      status: 'delivered',
      providerStatusCode: 200,
    },
    {
      id: randomUUID(),
      conversationId: convId,
      direction: 'outbound',
      text: 'x',
      status: 'failed',
      providerStatusCode: 210,
    },
  ]);
  await s.db.db
    .insert(offers)
    .values({ id: randomUUID(), conversationId: convId, userId: agent!.id, outcome: 'timed_out' });
  await s.db.db.insert(inbox).values({
    accountId,
    kind: 'mo_sms',
    dedupKey: `mo:stuck:${randomUUID()}`,
    rawBody: '{}',
    payload: {},
    receivedAt: new Date(Date.now() - 120_000),
  });
});
afterAll(() => s.close());

describe('GET /metrics', () => {
  it('exposes every series operators alert on, in Prometheus text format', async () => {
    const body = JSON.stringify({
      reference_id: `REF${Date.now()}`,
      sub_resource: 'mo_sms',
      user_response: { phone_number: '15551230001', sender_id: '4442', mo_message: 'hi' },
    });
    const channel = { accountId, customerId: 'CUST-M', apiKey, supportNumber: '4442' };
    const ok = await s.app.request(`/webhooks/telesign/${accountId}`, {
      method: 'POST',
      headers: signedHeaders(channel, body),
      body,
    });
    expect(ok.status).toBe(200);
    const forged = await s.app.request(`/webhooks/telesign/${accountId}`, {
      method: 'POST',
      headers: signedHeaders({ ...channel, apiKey: randomBytes(32).toString('base64') }, body),
      body,
    });
    expect(forged.status).toBe(401);
    await s.app.request(`/webhooks/telesign/${randomUUID()}`, { method: 'POST', body: '{}' });
    metrics.inboxHandOvers.inc({ path: 'relay', outcome: 'delivered' });
    metrics.sends.inc({ outcome: 'sent', code: '290' });

    const res = await s.app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    for (const series of [
      'smsdesk_webhook_ack_seconds_bucket',
      'smsdesk_webhook_ack_seconds_count',
      'smsdesk_inbox_backlog',
      'smsdesk_inbox_oldest_pending_age_seconds',
      'smsdesk_inbox_handover_total',
      'smsdesk_sends_total',
      'smsdesk_messages_recent',
      'smsdesk_conversations',
      'smsdesk_offers_recent',
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(text, series).toMatch(new RegExp(`^${series}[{ ]`, 'm'));
    }
    expect(text).toMatch(/^smsdesk_webhook_ack_seconds_count\{status="200",kind="mo_sms"\} [1-9]/m);
    expect(text).toMatch(/^smsdesk_webhook_ack_seconds_count\{status="401",kind="mo_sms"\} [1-9]/m);
    expect(text).toMatch(/^smsdesk_webhook_ack_seconds_count\{status="404",kind="unknown"\} [1-9]/m);
    expect(text).toMatch(/^smsdesk_inbox_backlog \d+/m);
    // The stuck row is two minutes old (the MO above may be pending too, but it is younger).
    const age = Number(/^smsdesk_inbox_oldest_pending_age_seconds (\S+)/m.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(119);
    expect(text).toContain('smsdesk_messages_recent{direction="outbound",status="failed",code="210"} 1');
    expect(text).toContain('smsdesk_messages_recent{direction="outbound",status="delivered",code="200"} 1');
    expect(text).toContain('smsdesk_conversations{state="waiting"} 1');
    expect(text).toContain('smsdesk_conversations{state="active"} 0');
    expect(text).toContain('smsdesk_offers_recent{outcome="timed_out"} 1');
    expect(text).toContain('smsdesk_inbox_handover_total{path="relay",outcome="delivered"}');
    expect(text).toContain('smsdesk_sends_total{outcome="sent",code="290"}');
  });

  it('is off when METRICS_ENABLED=false', async () => {
    const off = await createTestStack({ worker: false, env: { METRICS_ENABLED: 'false' } });
    try {
      expect((await off.app.request('/metrics')).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});

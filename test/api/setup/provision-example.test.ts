import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision } from '../../../examples/provision.js';
import { type Simulator, startSimulator } from '../../../telesign/simulator/server.js';
import { createTestStack, TEST_ADMIN_TOKEN, type TestStack } from '../../support/stack.js';
import { call } from './helpers.js';

let s: TestStack;
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  s = await createTestStack({ worker: false, env: { TELESIGN_BASE_URL: sim.url } });
});
afterAll(async () => {
  await s.close();
  await sim.stop();
});

describe('examples/provision.ts', () => {
  it('sets up a complete, validated channel through the API and can run again', async () => {
    const acc = sim.addAccount({});
    const opts = {
      baseUrl: 'http://smsdesk.test',
      token: TEST_ADMIN_TOKEN,
      customerId: acc.customerId,
      apiKey: acc.apiKey,
      number: '14252306549',
      fetch: ((url: string, init: RequestInit) => s.app.request(url, init)) as typeof fetch,
    };
    const r = await provision(opts);
    expect(r.validation).toMatchObject({ valid: true });
    expect(r.validation.reason).toBe('ok');
    expect(r.callbackUrl).toBe(`http://smsdesk.test/webhooks/telesign/${r.accountId}`);
    expect(r.agentToken).toMatch(/^sd_/);
    expect((await call(s, 'GET', '/queues', undefined, r.agentToken)).status).toBe(200);
    const channel = await call(s, 'GET', `/workstreams/${r.workstreamId}/sms-channels/${r.channelId}`);
    expect(channel.body).toMatchObject({ number: '14252306549', accountId: r.accountId });
    const rules = await call(s, 'POST', `/workstreams/${r.workstreamId}/routing-rules/evaluate`, {
      message: { text: 'URGENT: card fraud' },
      customer: { number: '359888123456', tags: [] },
      channel: { number: '14252306549', language: 'en' },
    });
    expect(rules.body.matchedRuleId).toBe(r.routingRuleId);

    const again = await provision({ ...opts, agentName: 'Second agent' });
    expect(again).toMatchObject({ accountId: r.accountId, workstreamId: r.workstreamId, channelId: r.channelId });
    expect(again.agentId).not.toBe(r.agentId);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../../api/server.js';
import { type Simulator, startSimulator } from '../../../telesign/simulator/server.js';
import { createAgent, seedChannel } from '../../support/seed.js';
import { createTestStack, eventually, type TestStack } from '../../support/stack.js';
import { call, expectProblem } from './helpers.js';

// GET /workstreams/{id}/readiness: "live" only when every check holds; each failing check names what is missing.
let s: TestStack;
let sim: Simulator;
let server: { port: number; close: () => Promise<void> };
beforeAll(async () => {
  [s, sim] = await Promise.all([createTestStack(), startSimulator()]);
  server = await listen(s.app, 0, '127.0.0.1');
});
afterAll(async () => {
  await server?.close();
  await sim?.stop();
  await s?.close();
});

const failing = (body: { items: { check: string; ok: boolean }[] }) =>
  body.items.filter((i) => !i.ok).map((i) => i.check);

describe('workstream readiness', () => {
  it('turns live only when the last missing item holds, naming each missing one on the way', async () => {
    const seed = await seedChannel(s.db.db, s.config, sim, { agents: [{ name: 'Rea Dy', presence: 'offline' }] });
    const path = `/workstreams/${seed.workstreamId}/readiness`;

    let r = await call(s, 'GET', path);
    expect(r.status, r.text).toBe(200);
    expect(r.body.live).toBe(false);
    expect(r.body.simulator).toBe(true);
    expect(r.body.supportNumbers).toEqual([seed.supportNumber]);
    expect(r.body.items.map((i: { check: string }) => i.check)).toEqual([
      'account_validated',
      'callback_registered',
      'number_bound',
      'queue_has_members',
      'member_available',
      'sms_enabled',
    ]);
    expect(failing(r.body)).toEqual(['account_validated', 'callback_registered', 'member_available']);
    const cb = r.body.items.find((i: { check: string }) => i.check === 'callback_registered');
    expect(cb.detail).toMatch(/simulator does not have the callback URL/);
    expect(cb.fix).toMatch(/^\/admin#/);

    expect((await call(s, 'POST', `/messaging-accounts/${seed.accountId}/validate`)).body.valid).toBe(true);
    // The simulator confirms the URL: registered through its portal API, as the demo does.
    sim.setCallbackUrl(seed.customerId, `http://smsdesk.test/webhooks/telesign/${seed.accountId}`);
    await s.db.sql`update settings set sms_enabled = false where id = 1`;
    r = await call(s, 'GET', path);
    expect(failing(r.body)).toEqual(['member_available', 'sms_enabled']);
    expect(r.body.items.find((i: { check: string }) => i.check === 'member_available').detail).toMatch(
      /no agent of queue .* is available or busy/,
    );

    await s.db.sql`update settings set sms_enabled = true where id = 1`;
    r = await call(s, 'GET', path);
    expect(r.body.live).toBe(false);
    expect(failing(r.body)).toEqual(['member_available']);

    // The last item: the agent becomes Available.
    await call(s, 'PUT', '/me/presence', { presence: 'available' }, seed.agents[0]!.token);
    r = await call(s, 'GET', path);
    expect(failing(r.body)).toEqual([]);
    expect(r.body.live).toBe(true);
  });

  it('an empty queue and a workstream with no number are named as missing', async () => {
    const seed = await seedChannel(s.db.db, s.config, sim, { agents: [] });
    const empty = await call(s, 'POST', '/workstreams', { name: 'Bare', defaultQueueId: seed.queueId });
    let r = await call(s, 'GET', `/workstreams/${empty.body.id}/readiness`);
    expect(failing(r.body)).toEqual([
      'account_validated',
      'callback_registered',
      'number_bound',
      'queue_has_members',
      'member_available',
    ]);
    expect(r.body.simulator).toBe(false);
    r = await call(s, 'GET', `/workstreams/${seed.workstreamId}/readiness`);
    expect(r.body.items.find((i: { check: string }) => i.check === 'queue_has_members').detail).toMatch(
      /has no agents/,
    );
  });

  it('a signed callback that arrived counts as the callback URL being registered; the test SMS is one', async () => {
    const seed = await seedChannel(s.db.db, s.config, sim, { agents: [{ presence: 'available' }] });
    sim.setCallbackUrl(seed.customerId, `http://127.0.0.1:${server.port}/webhooks/telesign/${seed.accountId}`);
    const sent = await call(s, 'POST', `/workstreams/${seed.workstreamId}/readiness/test-sms`);
    expect(sent.status, sent.text).toBe(202);
    expect(sent.body).toMatchObject({ to: seed.supportNumber, from: expect.stringMatching(/^\d+$/) });
    // Now only our own inbox proves it: the simulator forgets the URL.
    sim.setCallbackUrl(seed.customerId, null);
    await eventually(async () => {
      const r = await call(s, 'GET', `/workstreams/${seed.workstreamId}/readiness`);
      const cb = r.body.items.find((i: { check: string }) => i.check === 'callback_registered');
      return cb.ok && /signed callback/.test(cb.detail);
    });
  });

  it('refuses a test SMS for a real TeleSign account, unknown ids, and non-admins', async () => {
    const seed = await seedChannel(s.db.db, s.config, sim);
    await s.db
      .sql`update messaging_accounts set rest_endpoint = 'https://rest-ww.telesign.com' where id = ${seed.accountId}`;
    expectProblem(await call(s, 'POST', `/workstreams/${seed.workstreamId}/readiness/test-sms`), 409);
    expectProblem(await call(s, 'GET', '/workstreams/00000000-0000-4000-8000-000000000000/readiness'), 404);
    const agent = await createAgent(s.db.db);
    expectProblem(await call(s, 'GET', `/workstreams/${seed.workstreamId}/readiness`, undefined, agent.token), 403);
    expectProblem(await call(s, 'GET', `/workstreams/${seed.workstreamId}/readiness`, undefined, null), 401);
  });
});

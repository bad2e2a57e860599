import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../../support/stack.js';
import {
  call,
  createAccount,
  createNumber,
  createQueue,
  createUser,
  createWorkstream,
  expectProblem,
  UNKNOWN_ID,
} from './helpers.js';

let s: TestStack;
let accountId: string;
beforeAll(async () => {
  s = await createTestStack({ worker: false });
  accountId = (await createAccount(s)).id;
});
afterAll(() => s.close());

describe('queues', () => {
  it('creates a queue with members, priority and assignment method', async () => {
    const a = await createUser(s, 'agent', 'Ana');
    const b = await createUser(s, 'agent', 'Bo');
    const r = await call(s, 'POST', '/queues', {
      name: 'Billing',
      assignmentMethod: 'highest_capacity',
      agentIds: [a.id, b.id],
      priority: 10,
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ name: 'Billing', assignmentMethod: 'highest_capacity', priority: 10 });
    expect(r.body.agentIds.sort()).toEqual([a.id, b.id].sort());
    const agent = await call(s, 'GET', `/agents/${a.id}`);
    expect(agent.body.queueIds).toEqual([r.body.id]);
  });

  it('defaults to highest capacity, priority 100 and no members', async () => {
    const r = await call(s, 'POST', '/queues', { name: 'Defaults' });
    expect(r.body).toMatchObject({ assignmentMethod: 'highest_capacity', priority: 100, agentIds: [] });
  });

  it('rejects a duplicate name (409), an unknown agent (422) and an unknown method (422)', async () => {
    await createQueue(s, 'Dup');
    expect(expectProblem(await call(s, 'POST', '/queues', { name: 'Dup' }), 409).detail).toMatch(/already exists/);
    const p = expectProblem(await call(s, 'POST', '/queues', { name: 'Ghosts', agentIds: [UNKNOWN_ID] }), 422);
    expect(p.errors).toEqual([{ path: 'agentIds.0', message: `no agent with id ${UNKNOWN_ID}` }]);
    const m = expectProblem(await call(s, 'POST', '/queues', { name: 'M', assignmentMethod: 'random' }), 422);
    expect(m.errors![0]!.path).toBe('assignmentMethod');
  });

  it('replaces membership on PATCH without touching other queues', async () => {
    const a = await createUser(s, 'agent');
    const b = await createUser(s, 'agent');
    const q1 = await createQueue(s, 'Q1', { agentIds: [a.id] });
    const q2 = await createQueue(s, 'Q2', { agentIds: [a.id] });
    const r = await call(s, 'PATCH', `/queues/${q1.id}`, { agentIds: [b.id], name: 'Q1 renamed' });
    expect(r.body).toMatchObject({ name: 'Q1 renamed', agentIds: [b.id] });
    expect((await call(s, 'GET', `/queues/${q2.id}`)).body.agentIds).toEqual([a.id]);
  });

  it('lets a supervisor change membership but nothing else', async () => {
    const sup = await createUser(s, 'supervisor');
    const a = await createUser(s, 'agent');
    const q = await createQueue(s, 'Sup queue');
    const ok = await call(s, 'PATCH', `/queues/${q.id}`, { agentIds: [a.id] }, sup.token);
    expect(ok.status, ok.text).toBe(200);
    const p = expectProblem(await call(s, 'PATCH', `/queues/${q.id}`, { name: 'x' }, sup.token), 403);
    expect(p.detail).toMatch(/supervisors may change only agentIds/);
  });

  it('refuses to delete a queue that a workstream or rule uses, and deletes an unused one', async () => {
    const q = await createQueue(s, 'In use');
    const ws = await createWorkstream(s, q.id);
    expect(expectProblem(await call(s, 'DELETE', `/queues/${q.id}`), 409).detail).toMatch(
      /default queue of workstream/,
    );
    const target = await createQueue(s, 'Rule target');
    const rule = await call(s, 'POST', `/workstreams/${ws.id}/routing-rules`, {
      name: 'r',
      order: 1,
      conditions: [],
      queueId: target.id,
    });
    expect(rule.status, rule.text).toBe(201);
    expect(expectProblem(await call(s, 'DELETE', `/queues/${target.id}`), 409).detail).toMatch(/routing rule/);
    const free = await createQueue(s, 'Free');
    expect((await call(s, 'DELETE', `/queues/${free.id}`)).status).toBe(204);
    expectProblem(await call(s, 'GET', `/queues/${free.id}`), 404);
  });
});

describe('workstreams', () => {
  it('applies D365-like SMS defaults to everything but name and defaultQueueId', async () => {
    const q = await createQueue(s, 'WS defaults');
    const r = await call(s, 'POST', '/workstreams', { name: 'SMS', defaultQueueId: q.id });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({
      name: 'SMS',
      channel: 'sms',
      distributionMode: 'push',
      capacityUnits: 1,
      defaultQueueId: q.id,
      offerTimeoutSeconds: 60,
      autoAccept: false,
      keepSameAgent: true,
      blockCapacityForWrapUp: false,
      wrapUpMinutes: 1440,
      autoCloseAfterInactivityMinutes: 1440,
      reopenWindowMinutes: 1440,
      openTimeoutMinutes: 43200,
      allowedPresences: ['available', 'busy'],
      skillMatching: 'exact',
      botId: null,
    });
  });

  it('accepts every contract field', async () => {
    const q = await createQueue(s, 'WS fields');
    const body = {
      name: 'Pick SMS',
      distributionMode: 'pick',
      capacityUnits: 2,
      defaultQueueId: q.id,
      offerTimeoutSeconds: 120,
      autoAccept: true,
      keepSameAgent: false,
      blockCapacityForWrapUp: true,
      autoCloseAfterInactivityMinutes: 480,
      reopenWindowMinutes: 60,
    };
    const r = await call(s, 'POST', '/workstreams', body);
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject(body);
    expect((await call(s, 'GET', `/workstreams/${r.body.id}`)).body).toMatchObject(body);
  });

  it('requires name and an existing defaultQueueId', async () => {
    const p = expectProblem(await call(s, 'POST', '/workstreams', {}), 422);
    expect(p.errors!.map((e) => e.path).sort()).toEqual(['defaultQueueId', 'name']);
    const u = expectProblem(await call(s, 'POST', '/workstreams', { name: 'x', defaultQueueId: UNKNOWN_ID }), 422);
    expect(u.errors).toEqual([{ path: 'defaultQueueId', message: `no queue with id ${UNKNOWN_ID}` }]);
  });

  it('rejects out-of-range timers naming the field', async () => {
    const q = await createQueue(s, 'WS ranges');
    const p = expectProblem(
      await call(s, 'POST', '/workstreams', {
        name: 'x',
        defaultQueueId: q.id,
        offerTimeoutSeconds: 0,
        capacityUnits: -1,
      }),
      422,
    );
    expect(p.errors!.map((e) => e.path).sort()).toEqual(['capacityUnits', 'offerTimeoutSeconds']);
  });

  it('treats distributionMode as immutable (409) but allows other changes', async () => {
    const q = await createQueue(s, 'WS immutable');
    const ws = await createWorkstream(s, q.id);
    const p = expectProblem(await call(s, 'PATCH', `/workstreams/${ws.id}`, { distributionMode: 'pick' }), 409);
    expect(p.detail).toMatch(/distributionMode is immutable.*created as push/);
    const ok = await call(s, 'PATCH', `/workstreams/${ws.id}`, {
      distributionMode: 'push',
      offerTimeoutSeconds: 90,
      allowedPresences: ['available'],
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({
      distributionMode: 'push',
      offerTimeoutSeconds: 90,
      allowedPresences: ['available'],
    });
  });

  it('attaches a bot to push workstreams only', async () => {
    const q = await createQueue(s, 'WS bot');
    const bot = await call(s, 'POST', '/bots', { name: 'FAQ', kind: 'builtin', config: { answers: [] } });
    expect(bot.status, bot.text).toBe(201);
    const push = await call(s, 'POST', '/workstreams', { name: 'b', defaultQueueId: q.id, botId: bot.body.id });
    expect(push.body.botId).toBe(bot.body.id);
    const pick = await call(s, 'POST', '/workstreams', {
      name: 'b',
      defaultQueueId: q.id,
      distributionMode: 'pick',
      botId: bot.body.id,
    });
    expect(expectProblem(pick, 422).errors).toEqual([
      { path: 'botId', message: 'a bot can only be attached to a push workstream' },
    ]);
  });

  it('lists, reads and deletes; unknown ids answer 404', async () => {
    const q = await createQueue(s, 'WS crud');
    const ws = await createWorkstream(s, q.id, { name: 'To delete' });
    expect((await call(s, 'GET', '/workstreams')).body.items.some((w: { id: string }) => w.id === ws.id)).toBe(true);
    expect((await call(s, 'DELETE', `/workstreams/${ws.id}`)).status).toBe(204);
    expectProblem(await call(s, 'GET', `/workstreams/${ws.id}`), 404);
    expectProblem(await call(s, 'PATCH', `/workstreams/${UNKNOWN_ID}`, { name: 'x' }), 404);
  });
});

describe('SMS channels', () => {
  it('binds a number to a workstream with language, attachments and overrides', async () => {
    const q = await createQueue(s, 'CH main');
    const ws = await createWorkstream(s, q.id);
    const n = await createNumber(s, accountId, '35929000001');
    const r = await call(s, 'POST', `/workstreams/${ws.id}/sms-channels`, {
      phoneNumberId: n.id,
      language: 'bg',
      attachments: { customersCanSend: true, agentsCanSend: false },
      automatedMessages: { greeting: 'Здравейте!', agent_assigned: '' },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({
      workstreamId: ws.id,
      phoneNumberId: n.id,
      number: '35929000001',
      accountId,
      callbackUrl: `http://smsdesk.test/webhooks/telesign/${accountId}`,
      language: 'bg',
      attachments: { customersCanSend: true, agentsCanSend: false },
      automatedMessages: { greeting: 'Здравейте!', agent_assigned: '' },
    });
  });

  it('rejects unknown automated-message triggers with a 422 naming the key', async () => {
    const q = await createQueue(s, 'CH triggers');
    const ws = await createWorkstream(s, q.id);
    const n = await createNumber(s, accountId, '35929000002');
    const p = expectProblem(
      await call(s, 'POST', `/workstreams/${ws.id}/sms-channels`, {
        phoneNumberId: n.id,
        language: 'en',
        attachments: { customersCanSend: false, agentsCanSend: false },
        automatedMessages: { greetings: 'typo' },
      }),
      422,
    );
    expect(p.errors![0]!.path).toBe('automatedMessages.greetings');
    expect(p.errors![0]!.message).toMatch(/^unknown trigger; known triggers are greeting,/);
  });

  it('lets a number serve one channel only (409)', async () => {
    const q = await createQueue(s, 'CH unique');
    const ws1 = await createWorkstream(s, q.id);
    const ws2 = await createWorkstream(s, q.id);
    const n = await createNumber(s, accountId, '35929000003');
    expect((await call(s, 'POST', `/workstreams/${ws1.id}/sms-channels`, { phoneNumberId: n.id })).status).toBe(201);
    const p = expectProblem(await call(s, 'POST', `/workstreams/${ws2.id}/sms-channels`, { phoneNumberId: n.id }), 409);
    expect(p.detail).toMatch(/number 35929000003 already serves SMS channel/);
  });

  it('answers 404 for an unknown workstream and 422 for an unknown number', async () => {
    const n = await createNumber(s, accountId, '35929000004');
    expectProblem(await call(s, 'POST', `/workstreams/${UNKNOWN_ID}/sms-channels`, { phoneNumberId: n.id }), 404);
    const q = await createQueue(s, 'CH 404');
    const ws = await createWorkstream(s, q.id);
    const p = expectProblem(
      await call(s, 'POST', `/workstreams/${ws.id}/sms-channels`, { phoneNumberId: UNKNOWN_ID }),
      422,
    );
    expect(p.errors![0]!.path).toBe('phoneNumberId');
  });

  it('lists, reads, patches and deletes a channel; a workstream with channels cannot be deleted', async () => {
    const q = await createQueue(s, 'CH crud');
    const ws = await createWorkstream(s, q.id);
    const n = await createNumber(s, accountId, '35929000005');
    const ch = (await call(s, 'POST', `/workstreams/${ws.id}/sms-channels`, { phoneNumberId: n.id })).body;
    expect(ch).toMatchObject({ language: 'en', attachments: { customersCanSend: false, agentsCanSend: false } });
    expect(
      (await call(s, 'GET', `/workstreams/${ws.id}/sms-channels`)).body.items.map((c: { id: string }) => c.id),
    ).toEqual([ch.id]);
    expectProblem(await call(s, 'DELETE', `/workstreams/${ws.id}`), 409);
    const patched = await call(s, 'PATCH', `/workstreams/${ws.id}/sms-channels/${ch.id}`, {
      language: 'de',
      attachments: { agentsCanSend: true },
      automatedMessages: { conversation_closed: 'Tschüss' },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({
      language: 'de',
      attachments: { customersCanSend: false, agentsCanSend: true },
      automatedMessages: { conversation_closed: 'Tschüss' },
    });
    expect((await call(s, 'GET', `/workstreams/${ws.id}/sms-channels/${ch.id}`)).body.language).toBe('de');
    expect((await call(s, 'DELETE', `/workstreams/${ws.id}/sms-channels/${ch.id}`)).status).toBe(204);
    expectProblem(await call(s, 'GET', `/workstreams/${ws.id}/sms-channels/${ch.id}`), 404);
    expect((await call(s, 'DELETE', `/workstreams/${ws.id}`)).status).toBe(204);
  });
});

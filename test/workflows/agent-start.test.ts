import { WithStartWorkflowOperation } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { consents } from '../../db/schema/index.js';
import type { conversationWorkflow } from '../../workflows/conversation-workflow.js';
import { acceptUpdate, closeUpdate, endUpdate, startByAgentUpdate } from '../../workflows/definitions.js';
import { createAgent, newCustomerNumber } from '../support/seed.js';
import { eventually } from '../support/stack.js';
import { realServerHarness } from './real-server-harness.js';
import { maybeRecordHistory } from './support.js';

// An agent texts a customer first (POST /conversations → update startByAgent with updateWithStart): the conversation
// is assigned to the agent, the text reaches the customer's phone through the ordinary send path with delivery
// reports, and the customer's answer joins the same conversation.

const h = realServerHarness({ dlrDelaysMs: [50, 100] });
const setup = h.setup;

async function start(headers: Record<string, string>, body: Record<string, unknown>) {
  const res = await h.s.app.request('/api/v1/conversations', {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

describe('agent-started conversations', () => {
  it('starts a conversation assigned to the agent; the text reaches the phone, delivered; the answer joins it', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 2 }] });
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    const r = await start(agent.headers, {
      customerNumber: customer,
      channelId: seed.channelId,
      text: 'Your order shipped',
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body.conversation).toMatchObject({
      state: 'active',
      agentId: agent.id,
      queueId: seed.queueId,
      customerNumber: customer,
      supportNumber: seed.supportNumber,
      channelId: seed.channelId,
    });
    expect(r.body.message).toMatchObject({ direction: 'outbound', text: 'Your order shipped', agentId: agent.id });
    const received = await eventually(async () =>
      h.sim
        .phone(customer)
        .received()
        .find((m) => m.text === 'Your order shipped'),
    );
    expect(received.from).toBe(seed.supportNumber);
    await eventually(async () => {
      const [m] = await d.messages(r.body.conversation.id);
      return m?.status === 'delivered';
    });
    expect(await d.capacityUsed(agent.id)).toBe(1);

    // Same customer again: joins the open conversation (200), no second one.
    const again = await start(agent.headers, {
      customerNumber: customer,
      supportNumber: seed.supportNumber,
      text: 'Any questions?',
    });
    expect(again.status, again.text).toBe(200);
    expect(again.body.conversation.id).toBe(r.body.conversation.id);

    await h.sim.phone(customer).send(seed.supportNumber, 'Thanks!');
    await eventually(async () => (await d.messages(r.body.conversation.id)).find((m) => m.text === 'Thanks!'));
    const row = await d.conversation(customer);
    expect(row).toMatchObject({ id: r.body.conversation.id, state: 'active', agent_id: agent.id });
    const texts = (await d.messages(r.body.conversation.id)).map((m) => m.text);
    expect(texts).toEqual(['Your order shipped', 'Any questions?', 'Thanks!']);
    expect(await d.capacityUsed(agent.id)).toBe(1);
    await maybeRecordHistory('agent-started-conversation', d.workflowIdOf(customer));
  });

  it('joins a conversation waiting in the queue, withdrawing the offer to another agent', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 2 }, { capacity: 2, presence: 'offline' }] });
    const [first, starter] = seed.agents;
    const customer = newCustomerNumber();
    await d.text(customer, 'hello?');
    const offered = await d.until(customer, (x) => x.offered_agent_id === first!.id);
    const r = await start(starter!.headers, {
      customerNumber: customer,
      channelId: seed.channelId,
      text: 'I can help',
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body.conversation).toMatchObject({
      id: offered.id,
      state: 'active',
      agentId: starter!.id,
      offeredAgentId: null,
    });
    expect(await d.capacityUsed(first!.id)).toBe(0);
    await expect(d.update(customer, acceptUpdate, d.actor(first!))).rejects.toThrow();
  });

  it('refuses: opted-out customer (409 opted_out), another agent’s conversation (409), outsiders (403), unknown channel (404)', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 2 }, { capacity: 2 }] });
    const [a1, a2] = seed.agents;
    const outsider = await createAgent(h.s.db.db, {});
    const stopped = newCustomerNumber();
    await h.s.db.db
      .insert(consents)
      .values({ supportNumber: seed.supportNumber, customerNumber: stopped, optedOut: true, source: 'keyword:STOP' });
    const refused = await start(a1!.headers, { customerNumber: stopped, channelId: seed.channelId, text: 'hi' });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body).toMatchObject({ detail: 'opted_out', reason: 'opted_out' });
    expect(await d.conversation(stopped)).toBeUndefined();
    expect(h.sim.phone(stopped).received()).toEqual([]);

    const customer = newCustomerNumber();
    expect((await start(a1!.headers, { customerNumber: customer, channelId: seed.channelId, text: 'hi' })).status).toBe(
      201,
    );
    const taken = await start(a2!.headers, { customerNumber: customer, channelId: seed.channelId, text: 'me too' });
    expect(taken.status, taken.text).toBe(409);
    expect(taken.body.detail).toMatch(/another agent/);

    const outside = await start(outsider.headers, {
      customerNumber: newCustomerNumber(),
      channelId: seed.channelId,
      text: 'hi',
    });
    expect(outside.status, outside.text).toBe(403);
    expect(outside.body.errors[0].path).toBe('channelId');
    const unknown = await start(a1!.headers, { customerNumber: customer, supportNumber: '19999999999', text: 'hi' });
    expect(unknown.status, unknown.text).toBe(404);
    expect(unknown.body.errors[0].path).toBe('supportNumber');
  });

  it('reopens the customer’s recently closed conversation; a refused start leaves no run behind', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 2 }] });
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    const first = await start(agent.headers, { customerNumber: customer, channelId: seed.channelId, text: 'Hello' });
    expect(first.status, first.text).toBe(201);
    await d.update(customer, endUpdate, d.actor(agent));
    await d.update(customer, closeUpdate, d.actor(agent));
    expect(await d.capacityUsed(agent.id)).toBe(0);
    const again = await start(agent.headers, {
      customerNumber: customer,
      channelId: seed.channelId,
      text: 'One more thing',
    });
    expect(again.status, again.text).toBe(200);
    expect(again.body.conversation).toMatchObject({
      id: first.body.conversation.id,
      state: 'active',
      agentId: agent.id,
    });
    expect(await d.capacityUsed(agent.id)).toBe(1);
    await maybeRecordHistory('agent-started-reopen', d.workflowIdOf(customer));

    // Consent changed between the API's check and the workflow's (here: the API is bypassed): refused, and the run
    // that update-with-start created for it ends instead of waiting forever.
    const stopped = newCustomerNumber();
    await h.s.db.db
      .insert(consents)
      .values({ supportNumber: seed.supportNumber, customerNumber: stopped, optedOut: true, source: 'keyword:STOP' });
    const op = new WithStartWorkflowOperation<typeof conversationWorkflow>('conversationWorkflow', {
      workflowId: d.workflowIdOf(stopped),
      taskQueue: h.s.config.TEMPORAL_TASK_QUEUE,
      args: [{ accountId: seed.accountId, supportNumber: seed.supportNumber, customerNumber: stopped }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    await expect(
      h.s.temporal.workflow.executeUpdateWithStart(startByAgentUpdate, {
        args: [d.actor(agent), { text: 'hi', queueId: seed.queueId }],
        startWorkflowOperation: op,
      }),
    ).rejects.toThrow();
    const handle = h.s.temporal.workflow.getHandle(d.workflowIdOf(stopped));
    await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 15_000);
    expect(await d.conversation(stopped)).toBeUndefined();
  });

  it('answers bad input with 422 naming the field, and no token with 401', async () => {
    const { seed } = await setup();
    const agent = seed.agents[0]!;
    const cases: [Record<string, unknown>, string][] = [
      [{ customerNumber: '+359888', channelId: seed.channelId, text: 'hi' }, 'customerNumber'],
      [{ customerNumber: '359888123456', text: 'hi' }, 'channelId'],
      [
        { customerNumber: '359888123456', channelId: seed.channelId, supportNumber: seed.supportNumber, text: 'hi' },
        'channelId',
      ],
      [{ customerNumber: '359888123456', channelId: seed.channelId, text: '  ' }, 'text'],
      [{ customerNumber: '359888123456', channelId: seed.channelId, text: 'x'.repeat(1601) }, 'text'],
      [{ customerNumber: '359888123456', channelId: 'abc', text: 'hi' }, 'channelId'],
    ];
    for (const [body, path] of cases) {
      const r = await start(agent.headers, body);
      expect(r.status, r.text).toBe(422);
      expect(r.body.errors.map((e: { path: string }) => e.path).join(' ')).toContain(path);
    }
    expect((await start({}, { customerNumber: '359888123456', channelId: seed.channelId, text: 'hi' })).status).toBe(
      401,
    );
  });
});

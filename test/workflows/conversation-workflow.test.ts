import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../api/server.js';
import { type Simulator, startSimulator } from '../../telesign/simulator/server.js';
import {
  acceptUpdate,
  agentsAvailableSignal,
  assignUpdate,
  closeUpdate,
  endUpdate,
  forceCloseUpdate,
  inboundSignal,
  noteUpdate,
  rejectUpdate,
  sendUpdate,
  stateQuery,
  transferUpdate,
  waitUpdate,
} from '../../workflows/definitions.js';
import { createAgent, newCustomerNumber, seedChannel } from '../support/seed.js';
import { createTestStack, eventually, type TestStack } from '../support/stack.js';
import { conversationDriver, maybeRecordHistory } from './support.js';

// One file over 400 lines on purpose: every case shares one stack, worker, API server and simulator started once
// below; split, each part would start its own.
let s: TestStack;
let sim: Simulator;
let server: { port: number; close: () => Promise<void> };

beforeAll(async () => {
  s = await createTestStack();
  sim = await startSimulator({ dlrDelaysMs: [50, 100], callbackRetry: { timeoutMs: 2000, delaysMs: [200, 400] } });
  server = await listen(s.app, 0, '127.0.0.1');
});
afterAll(async () => {
  await server?.close();
  await sim?.stop();
  await s?.close();
});

const deps = () => ({ temporal: s.temporal, db: s.db.db, config: s.config, sql: s.db.sql });

async function setup(opts: Parameters<typeof seedChannel>[3] = {}) {
  const seed = await seedChannel(s.db.db, s.config, sim, opts);
  sim.setCallbackUrl(seed.customerId, `http://127.0.0.1:${server.port}/webhooks/telesign/${seed.accountId}`);
  return { seed, d: conversationDriver(deps(), seed) };
}

async function expectFailure(p: Promise<unknown>, type: string, message?: RegExp) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'the update should have been rejected').toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(type);
  if (message) expect((cause as ApplicationFailure).message).toMatch(message);
}

describe('conversation workflow on a real Temporal server', () => {
  it('classifies a new text, records the trace, offers it to an available agent, and accept makes it active', async () => {
    const { seed, d } = await setup();
    const customer = newCustomerNumber();
    await d.text(customer, 'Where is my order?');
    const offered = await d.until(customer, (r) => r.offered_agent_id === seed.agents[0]!.id);
    expect(offered).toMatchObject({ state: 'open', queue_id: seed.queueId, agent_id: null });
    const [conv] = await s.db.sql`select routing_trace from conversations where id = ${offered.id}`;
    expect(conv!.routing_trace).toMatchObject({ queueId: seed.queueId, matchedRuleId: null });
    expect(await d.capacityUsed(seed.agents[0]!.id)).toBe(1);

    const ack = await d.update(customer, acceptUpdate, d.actor(seed.agents[0]!));
    expect(ack).toEqual({ conversationId: offered.id, state: 'active' });
    const row = await d.conversation(customer);
    expect(row).toMatchObject({ state: 'active', agent_id: seed.agents[0]!.id, offered_agent_id: null });
    // The greeting went out through TeleSign (the simulator) to the customer's phone.
    await eventually(async () => sim.phone(customer).received().length >= 1);
  });

  it('routes by the first matching rule in order', async () => {
    const { seed, d } = await setup({ agents: [{}, {}] });
    const billing = await seed.addQueue([seed.agents[1]!.id]);
    await seed.addRule({
      name: 'billing',
      order: 1,
      conditions: [{ field: 'message.text', operator: 'contains', value: 'invoice' }],
      queueId: billing,
      priority: 5,
    });
    const customer = newCustomerNumber();
    await d.text(customer, 'Question about my INVOICE');
    const row = await d.until(customer, (r) => r.offered_agent_id !== null);
    expect(row.queue_id).toBe(billing);
    expect(row.offered_agent_id).toBe(seed.agents[1]!.id);
  });

  it('moves the offer to the next agent when it times out, and releases the first agent’s capacity', async () => {
    const { seed, d } = await setup({
      agents: [{ capacity: 5 }, { capacity: 3 }],
      workstream: { offerTimeoutSeconds: 2 },
    });
    const [first, second] = seed.agents;
    const customer = newCustomerNumber();
    await d.text(customer, 'hello');
    await d.until(customer, (r) => r.offered_agent_id === first!.id); // highest free capacity first
    const moved = await d.until(customer, (r) => r.offered_agent_id === second!.id, 15_000);
    expect(moved.state).toBe('open');
    expect(await d.capacityUsed(first!.id)).toBe(0);
    await maybeRecordHistory('offer-timeout', d.workflowIdOf(customer));
    const outcomes = await s.db
      .sql`select user_id, outcome from offers where conversation_id = ${moved.id} order by offered_at`;
    expect(outcomes.map((o) => o.outcome)).toEqual(['timed_out', 'pending']);
  });

  it('a rejected offer goes to the next agent', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 5 }, { capacity: 3 }] });
    const [first, second] = seed.agents;
    const customer = newCustomerNumber();
    await d.text(customer, 'hello');
    await d.until(customer, (r) => r.offered_agent_id === first!.id);
    await d.update(customer, rejectUpdate, d.actor(first!));
    await d.until(customer, (r) => r.offered_agent_id === second!.id);
    expect(await d.capacityUsed(first!.id)).toBe(0);
    expect(await d.capacityUsed(second!.id)).toBe(1);
  });

  it('an agent reply reaches the simulated phone and its delivery report marks it delivered', async () => {
    const { seed, d } = await setup();
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'My parcel is late');
    const conv = await d.until(customer, (r) => r.offered_agent_id === agent.id);
    await d.update(customer, acceptUpdate, d.actor(agent));
    const sent = await d.update(customer, sendUpdate, d.actor(agent), { text: 'Sorry! Checking now.' });
    expect(sent.state).toBe('active');
    await eventually(async () =>
      sim
        .phone(customer)
        .received()
        .some((m) => m.text === 'Sorry! Checking now.'),
    );
    const delivered = await eventually(async () => {
      const [m] = await s.db
        .sql`select status, provider_status_code, provider_reference_id from messages where id = ${sent.messageId}`;
      return m?.status === 'delivered' ? m : undefined;
    });
    expect(delivered.provider_status_code).toBe(200);
    expect(delivered.provider_reference_id).toMatch(/^[0-9A-F]{32}$/);
    const msgs = await d.messages(conv.id);
    expect(msgs.filter((m) => m.direction === 'outbound')).toHaveLength(1);
  });

  it('wait releases capacity; a text while waiting re-routes it back to the same agent', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 5 }, { capacity: 1 }] });
    const [owner] = seed.agents;
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.offered_agent_id === owner!.id);
    await d.update(customer, acceptUpdate, d.actor(owner!));
    await d.update(customer, waitUpdate, d.actor(owner!));
    expect((await d.conversation(customer))!.state).toBe('waiting');
    expect(await d.capacityUsed(owner!.id)).toBe(0);
    await d.text(customer, 'any news?');
    const back = await d.until(customer, (r) => r.state === 'open' && r.offered_agent_id !== null);
    expect(back.offered_agent_id).toBe(owner!.id);
  });

  it('keep-same-agent skips a previous agent who went offline', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 5 }, { capacity: 1 }] });
    const [owner, other] = seed.agents;
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.offered_agent_id === owner!.id);
    await d.update(customer, acceptUpdate, d.actor(owner!));
    await d.update(customer, waitUpdate, d.actor(owner!));
    await s.db.sql`update users set presence = 'offline' where id = ${owner!.id}`;
    await d.text(customer, 'still there?');
    const back = await d.until(customer, (r) => r.offered_agent_id !== null);
    expect(back.offered_agent_id).toBe(other!.id);
  });

  it('end sends the automated message and wraps up; close closes; a text inside the reopen window reopens it', async () => {
    const { seed, d } = await setup();
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    const conv = await d.until(customer, (r) => r.offered_agent_id === agent.id);
    await d.update(customer, acceptUpdate, d.actor(agent));
    const ended = await d.update(customer, endUpdate, d.actor(agent));
    expect(ended.state).toBe('wrap_up');
    expect((await d.conversation(customer))!.resolution).toBe('resolved');
    expect(await d.capacityUsed(agent.id)).toBe(0); // wrap-up blocking is off by default
    await eventually(async () =>
      (await d.messages(conv.id)).some(
        (m) => m.direction === 'automated' && m.status !== 'queued' && /ended/i.test(m.text),
      ),
    );
    await d.update(customer, closeUpdate, d.actor(agent));
    const closed = await d.until(customer, (r) => r.state === 'closed');
    expect(closed.resolution).toBe('resolved');

    await d.text(customer, 'one more thing');
    const reopened = await d.until(customer, (r) => r.state === 'open' && r.offered_agent_id === agent.id);
    expect(reopened.id).toBe(conv.id); // same conversation, history kept
    expect(reopened.run_id).toBe(conv.run_id);
    expect((await d.messages(conv.id)).filter((m) => m.direction === 'inbound').map((m) => m.text)).toEqual([
      'hi',
      'one more thing',
    ]);
    await maybeRecordHistory('end-close-reopen', d.workflowIdOf(customer));
  });

  it('the owner ends a waiting conversation (wrap-up, ended message) or closes it directly; others may not', async () => {
    const { seed, d } = await setup({ agents: [{}, {}] });
    const [a1, a2] = seed.agents;
    const waiting = async (customer: string) => {
      await d.text(customer, 'hi');
      await d.until(customer, (r) => r.offered_agent_id !== null);
      const owner = (await d.conversation(customer))!.offered_agent_id === a1!.id ? a1! : a2!;
      await d.update(customer, acceptUpdate, d.actor(owner));
      await d.update(customer, waitUpdate, d.actor(owner));
      return { owner, other: owner === a1 ? a2! : a1! };
    };
    const ends = newCustomerNumber();
    const e = await waiting(ends);
    await expectFailure(d.update(ends, endUpdate, d.actor(e.other)), 'NotYours');
    expect((await d.update(ends, endUpdate, d.actor(e.owner))).state).toBe('wrap_up');
    const conv = await d.until(ends, (r) => r.state === 'wrap_up');
    expect(conv.resolution).toBe('resolved');
    await eventually(async () =>
      (await d.messages(conv.id)).some((m) => m.direction === 'automated' && /ended/i.test(m.text)),
    );
    await d.update(ends, closeUpdate, d.actor(e.owner));
    await d.until(ends, (r) => r.state === 'closed');
    await maybeRecordHistory('waiting-end-close', d.workflowIdOf(ends));

    const closes = newCustomerNumber();
    const c = await waiting(closes);
    await expectFailure(d.update(closes, closeUpdate, d.actor(c.other)), 'NotYours');
    await d.update(closes, closeUpdate, d.actor(c.owner));
    expect(await d.until(closes, (r) => r.state === 'closed')).toMatchObject({ resolution: 'resolved' });
    expect(await d.capacityUsed(c.owner.id)).toBe(0);
    await maybeRecordHistory('waiting-close', d.workflowIdOf(closes));
  });

  it('with a reopen window of 0 a text after close starts a new conversation (D365 behaviour)', async () => {
    const { seed, d } = await setup({ workstream: { reopenWindowMinutes: 0 } });
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'first');
    const first = await d.until(customer, (r) => r.offered_agent_id === agent.id);
    await d.update(customer, acceptUpdate, d.actor(agent));
    await d.update(customer, endUpdate, d.actor(agent));
    await d.update(customer, closeUpdate, d.actor(agent));
    const handle = s.temporal.workflow.getHandle(d.workflowIdOf(customer), first.run_id);
    await handle.result();
    await d.text(customer, 'second');
    const second = await d.until(customer, (r) => r.id !== first.id);
    expect(second.run_id).not.toBe(first.run_id);
    expect(second.state).toBe('open');
  });

  it('transfer to a queue re-offers in that queue; a supervisor’s transfer to an agent assigns directly', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 5 }, { capacity: 2 }] });
    const [a1, a2] = seed.agents;
    const other = await seed.addQueue([a2!.id]);
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.offered_agent_id === a1!.id);
    await d.update(customer, acceptUpdate, d.actor(a1!));
    await d.update(customer, transferUpdate, d.actor(a1!), { queueId: other });
    const requeued = await d.until(customer, (r) => r.queue_id === other && r.offered_agent_id === a2!.id);
    expect(requeued.state).toBe('open');
    expect(await d.capacityUsed(a1!.id)).toBe(0);
    await d.update(customer, acceptUpdate, d.actor(a2!));
    // Agents transfer to agents by offer (transfer-to-agent.test.ts); a supervisor's transfer books directly.
    const sup = await createAgent(s.db.db, { role: 'supervisor', capacity: 0 });
    await d.update(customer, transferUpdate, d.actor(sup, 'supervisor'), { agentId: a1!.id });
    const moved = await d.conversation(customer);
    expect(moved).toMatchObject({ state: 'active', agent_id: a1!.id });
    expect(await d.capacityUsed(a2!.id)).toBe(0);
    expect(await d.capacityUsed(a1!.id)).toBe(1);
    await expectFailure(d.update(customer, transferUpdate, d.actor(a1!), { queueId: crypto.randomUUID() }), 'NotFound');
    await maybeRecordHistory('transfers', d.workflowIdOf(customer));
  });

  it('supervisors assign and force close; agents may not', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 1, presence: 'offline' }] });
    const agent = seed.agents[0]!;
    const sup = await createAgent(s.db.db, { role: 'supervisor', capacity: 0 });
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.queue_id !== null);
    await expectFailure(d.update(customer, assignUpdate, d.actor(agent), { agentId: agent.id }), 'NotYours');
    await d.update(customer, assignUpdate, d.actor(sup, 'supervisor'), { agentId: agent.id });
    expect(await d.conversation(customer)).toMatchObject({ state: 'active', agent_id: agent.id });
    await expectFailure(d.update(customer, forceCloseUpdate, d.actor(agent)), 'NotYours');
    await d.update(customer, forceCloseUpdate, d.actor(sup, 'supervisor'));
    const closed = await d.until(customer, (r) => r.state === 'closed');
    expect(closed.resolution).toBe('force_closed');
    expect(await d.capacityUsed(agent.id)).toBe(0);
    await s.temporal.workflow.getHandle(d.workflowIdOf(customer), closed.run_id).result(); // force close ends the run
  });

  it('rejects actions that the state or the actor does not allow, naming the state', async () => {
    const { seed, d } = await setup({ agents: [{}, {}] });
    const [a1, a2] = seed.agents;
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.offered_agent_id !== null);
    const offeredTo = (await d.conversation(customer))!.offered_agent_id === a1!.id ? a1! : a2!;
    const notOffered = offeredTo === a1 ? a2! : a1!;
    await expectFailure(d.update(customer, acceptUpdate, d.actor(notOffered)), 'NotYours');
    await expectFailure(d.update(customer, endUpdate, d.actor(offeredTo)), 'InvalidTransition', /state open/);
    await d.update(customer, acceptUpdate, d.actor(offeredTo));
    await expectFailure(d.update(customer, sendUpdate, d.actor(notOffered), { text: 'hi' }), 'NotYours');
    await expectFailure(d.update(customer, sendUpdate, d.actor(offeredTo), { text: ' ' }), 'Invalid');
    await expectFailure(d.update(customer, sendUpdate, d.actor(offeredTo), { text: 'x'.repeat(1601) }), 'Invalid');
    await expectFailure(d.update(customer, closeUpdate, d.actor(offeredTo)), 'InvalidTransition', /state active/);
    const note = await d.update(customer, noteUpdate, d.actor(offeredTo), { text: 'VIP customer' });
    const [n] = await s.db.sql`select direction, status from messages where id = ${note.messageId}`;
    expect(n).toMatchObject({ direction: 'note', status: 'received' });
    expect(
      sim
        .phone(customer)
        .received()
        .some((m) => m.text === 'VIP customer'),
    ).toBe(false);
  });

  it('records a message handed over twice only once', async () => {
    const { d } = await setup();
    const customer = newCustomerNumber();
    const ref = await d.text(customer, 'once');
    await d.text(customer, 'once', ref);
    const conv = await d.until(customer, (r) => r.offered_agent_id !== null);
    await new Promise((r) => setTimeout(r, 500));
    expect((await d.messages(conv.id)).filter((m) => m.direction === 'inbound')).toHaveLength(1);
  });

  it('STOP opts the customer out with one confirmation; replies are refused until START', async () => {
    const { seed, d } = await setup();
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'hello');
    await d.until(customer, (r) => r.offered_agent_id === agent.id);
    await d.update(customer, acceptUpdate, d.actor(agent));
    await d.text(customer, ' stop ');
    await eventually(async () => {
      const [c] = await s.db.sql`select opted_out, source from consents where customer_number = ${customer}`;
      return c?.opted_out === true && c.source === 'keyword:STOP';
    });
    await expectFailure(
      d.update(customer, sendUpdate, d.actor(agent), { text: 'are you there?' }),
      'OptedOut',
      /opted_out/,
    );
    await d.text(customer, 'STOP'); // a second STOP sends no second confirmation
    await d.text(customer, 'START');
    // The workflow, not only the database, must have seen START before it accepts replies again.
    await eventually(async () => {
      const st = (await s.temporal.workflow.getHandle(d.workflowIdOf(customer)).query(stateQuery)) as {
        optedOut: boolean;
      };
      return st.optedOut === false;
    });
    const sent = await d.update(customer, sendUpdate, d.actor(agent), { text: 'Welcome back' });
    expect(sent.messageId).toBeTruthy();
    await eventually(async () =>
      sim
        .phone(customer)
        .received()
        .some((m) => m.text === 'Welcome back'),
    );
    const confirmations = sim
      .phone(customer)
      .received()
      .filter((m) => /unsubscribed|opted out|no more/i.test(m.text));
    expect(confirmations).toHaveLength(1);
    const events = await s.db
      .sql`select opted_out, source from consent_events where customer_number = ${customer} order by id`;
    expect(events.map((e) => e.source)).toEqual(['keyword:STOP', 'keyword:START']);
    await maybeRecordHistory('stop-start', d.workflowIdOf(customer));
  });

  it('a keyword from a new customer starts no work for agents', async () => {
    const { d } = await setup();
    const customer = newCustomerNumber();
    await d.text(customer, 'HELP');
    const row = await d.until(customer, (r) => r.state === 'closed');
    expect(row.offered_agent_id).toBeNull();
    await eventually(async () => sim.phone(customer).received().length === 1);
  });

  it('a builtin bot answers first, then escalates with what it collected and routing runs', async () => {
    const { seed, d } = await setup({
      bot: {
        name: 'FAQ',
        kind: 'builtin',
        config: {
          answers: [{ keywords: ['opening hours', 'open'], reply: 'We are open 9-17.' }],
          escalationPhrases: ['agent', 'human'],
        },
      },
    });
    const customer = newCustomerNumber();
    await d.text(customer, 'When are you open?');
    const withBot = await d.until(customer, (r) => r.with_bot);
    await eventually(async () =>
      sim
        .phone(customer)
        .received()
        .some((m) => m.text === 'We are open 9-17.'),
    );
    expect(withBot.offered_agent_id).toBeNull();
    await d.text(customer, 'I want a human please');
    const routed = await d.until(customer, (r) => !r.with_bot && r.offered_agent_id === seed.agents[0]!.id);
    const msgs = await d.messages(routed.id);
    expect(msgs.some((m) => m.direction === 'bot' && m.text === 'We are open 9-17.')).toBe(true);
    await maybeRecordHistory('bot-escalation', d.workflowIdOf(customer));
  });

  it('pick mode leaves the conversation in the queue until a member picks it', async () => {
    const { seed, d } = await setup({ workstream: { distributionMode: 'pick' } });
    const agent = seed.agents[0]!;
    const outsider = await createAgent(s.db.db);
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    const queued = await d.until(customer, (r) => r.queue_id === seed.queueId);
    await new Promise((r) => setTimeout(r, 300));
    expect((await d.conversation(customer))!.offered_agent_id).toBeNull();
    // Queue members hear about the item waiting for them (their SSE streams carry it).
    const told = await s.db
      .sql`select 1 from events where conversation_id = ${queued.id} and agent_ids @> ${JSON.stringify([agent.id])}::jsonb`;
    expect(told.length).toBeGreaterThan(0);
    const { pickUpdate } = await import('../../workflows/definitions.js');
    await expectFailure(d.update(customer, pickUpdate, d.actor(outsider)), 'NotYours');
    await d.update(customer, pickUpdate, d.actor(agent));
    expect(await d.conversation(customer)).toMatchObject({ state: 'active', agent_id: agent.id });
    expect(await d.capacityUsed(agent.id)).toBe(1);
  });

  it('continues as new when history grows, losing no signal sent during the hand-over and keeping its state', async () => {
    const { seed, d } = await setup();
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    const workflowId = d.workflowIdOf(customer);
    const first = await s.temporal.workflow.signalWithStart('conversationWorkflow', {
      workflowId,
      taskQueue: s.config.TEMPORAL_TASK_QUEUE,
      args: [
        { accountId: seed.accountId, supportNumber: seed.supportNumber, customerNumber: customer, historyLimit: 60 },
      ],
      signal: inboundSignal,
      signalArgs: [
        {
          inboxId: crypto.randomUUID(),
          referenceId: `CAN-0-${customer}`,
          text: 'hello there',
          receivedAt: new Date().toISOString(),
        },
      ],
    });
    const conv = await d.until(customer, (r) => r.offered_agent_id === agent.id);
    await d.update(customer, acceptUpdate, d.actor(agent));
    // A burst of texts: history passes the limit mid-burst, so some arrive during the hand-over to the next run.
    await Promise.all(Array.from({ length: 30 }, (_, i) => d.text(customer, `burst ${i}`)));
    await eventually(async () => {
      const n = (await d.messages(conv.id)).filter((m) => m.direction === 'inbound').length;
      return n === 31;
    }, 30_000);
    // The workflow sees its history length only at the start of a task: when a fast worker took the whole burst in
    // a few tasks, the limit is passed by the last task's own events and the next text is what hands over.
    await d.text(customer, 'after the burst');
    await eventually(async () => {
      const n = (await d.messages(conv.id)).filter((m) => m.direction === 'inbound').length;
      return n === 32;
    }, 30_000);
    const inbound = (await d.messages(conv.id)).filter((m) => m.direction === 'inbound').map((m) => m.text);
    expect(new Set(inbound).size).toBe(32);
    // The hand-over waits for the outbox (the agent_assigned message may still be going out), so the new run can
    // start a moment after the last text is recorded.
    await eventually(
      async () => (await s.temporal.workflow.getHandle(workflowId).describe()).runId !== first.signaledRunId,
      30_000,
    );
    const latest = await s.temporal.workflow.getHandle(workflowId).describe();
    expect(latest.runId).not.toBe(first.signaledRunId);
    // The chain keeps the conversation: same id, still active with the same agent, and the API's handle (first run
    // id of the chain) reaches the latest run.
    const row = await d.conversation(customer);
    expect(row).toMatchObject({ id: conv.id, state: 'active', agent_id: agent.id, run_id: first.signaledRunId });
    const chained = s.temporal.workflow.getHandle(workflowId, undefined, { firstExecutionRunId: row!.run_id });
    const ack = await chained.executeUpdate(waitUpdate, { args: [d.actor(agent)] });
    expect(ack).toEqual({ conversationId: conv.id, state: 'waiting' });
  });

  it('keeps the search attributes operators filter by current', async () => {
    const { seed, d } = await setup();
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.offered_agent_id === agent.id);
    await d.update(customer, acceptUpdate, d.actor(agent));
    const query = `CustomerNumber = "${customer}" AND SupportNumber = "${seed.supportNumber}" AND ConversationState = "active" AND AgentId = "${agent.id}" AND QueueId = "${seed.queueId}"`;
    const found = await eventually(async () => {
      for await (const wf of s.temporal.workflow.list({ query })) return wf;
      return undefined;
    });
    expect(found.workflowId).toBe(d.workflowIdOf(customer));
  });

  it('a conversation refused behind a better-ranked one is offered once that one books and an agent is still free', async () => {
    // Two agents with one slot each, two conversations waiting (agents offline). The newer one is woken first: each
    // agent's one slot is held for the older one, so it is refused and wakes the older one, which books one agent.
    // The other agent is still free and nothing else will happen (no release, no presence change): the newer one
    // must be woken by that booking, not by the fallback tick minutes later.
    const { seed, d } = await setup({
      agents: [
        { capacity: 1, presence: 'offline' },
        { capacity: 1, presence: 'offline' },
      ],
    });
    const older = newCustomerNumber();
    const newer = newCustomerNumber();
    for (const c of [older, newer]) {
      await d.text(c, 'waiting for an agent');
      await d.until(c, (r) => r.queue_id !== null);
    }
    await s.db.sql`update users set presence = 'available' where id in ${s.db.sql(seed.agents.map((a) => a.id))}`;
    await s.temporal.workflow.getHandle(d.workflowIdOf(newer)).signal(agentsAvailableSignal);
    const first = await d.until(older, (r) => r.offered_agent_id !== null, 30_000);
    const second = await d.until(newer, (r) => r.offered_agent_id !== null, 30_000);
    expect(second.offered_agent_id).not.toBe(first.offered_agent_id);
  });

  it('50 conversations racing for 5 agents with capacity 2 never over-book an agent', async () => {
    const { seed, d } = await setup({ agents: Array.from({ length: 5 }, () => ({ capacity: 2 })) });
    const customers = Array.from({ length: 50 }, () => newCustomerNumber());
    let maxSeen = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [row] = await s.db
          .sql`select max(capacity_used)::int as max from users where id in ${s.db.sql(seed.agents.map((a) => a.id))}`;
        maxSeen = Math.max(maxSeen, row!.max);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await Promise.all(customers.map((c) => d.text(c, 'race')));
    await eventually(async () => {
      // All 50 recorded and 10 offered (5 agents × capacity 2): only then is the race over.
      const [row] = await s.db
        .sql`select count(*)::int as n, count(offered_agent_id)::int as offered from conversations where workflow_id like ${`conv:${seed.accountId}:%`}`;
      return row!.n === 50 && row!.offered === 10;
    }, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    sampling = false;
    await sampler;
    const perAgent = await s.db
      .sql`select user_id, sum(units)::int as units from capacity_reservations group by user_id`;
    const held = new Map(perAgent.map((r) => [r.user_id, r.units]));
    for (const agent of seed.agents) expect(held.get(agent.id)).toBe(2);
    expect(maxSeen).toBeLessThanOrEqual(2);
    const [open] = await s.db
      .sql`select count(*)::int as n from conversations where workflow_id like ${`conv:${seed.accountId}:%`} and state = 'open' and offered_agent_id is null`;
    expect(open!.n).toBe(40);
    void d;
  }, 120_000);
});

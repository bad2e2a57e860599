import { describe, expect, it } from 'vitest';
import { acceptUpdate, endUpdate, sendUpdate, stateQuery, waitUpdate } from '../../workflows/definitions.js';
import { newCustomerNumber } from '../support/seed.js';
import { eventually } from '../support/stack.js';
import { timeSkippingHarness } from './time-skipping-harness.js';

/*
 * Timers measured in days run on the time-skipping test server (Java test server from .tools): the test awaits
 * env.sleep(), which jumps server time once the workflows are idle. Activities still use real Postgres and the
 * TeleSign simulator.
 */
const h = timeSkippingHarness({ taskQueue: 'timers' });
const setup = h.setup;

const DAY = 24 * 3600 * 1000;

describe('conversation timers (time-skipping server)', () => {
  it('an open conversation nobody picks closes after 30 days (auto_closed)', async () => {
    const { d } = await setup({ workstream: { distributionMode: 'pick' } });
    const customer = newCustomerNumber();
    await d.text(customer, 'hello?');
    await d.until(customer, (r) => r.queue_id !== null);
    await h.env.sleep(29 * DAY);
    expect((await d.conversation(customer))!.state).toBe('open');
    await h.env.sleep(1 * DAY + 60_000);
    const row = await d.until(customer, (r) => r.state === 'closed');
    expect(row.resolution).toBe('auto_closed');
  });

  it('a later customer text pushes the 30-day close out: the timer wakes at the old deadline and sleeps on', async () => {
    const { d } = await setup({ workstream: { distributionMode: 'pick' } });
    const customer = newCustomerNumber();
    await d.text(customer, 'hello?');
    const first = await d.until(customer, (r) => r.queue_id !== null);
    await h.env.sleep(20 * DAY);
    await d.text(customer, 'anyone there?');
    await eventually(async () => ((await d.messages(first.id)).length >= 2 ? true : undefined));
    // Past the first text's deadline: still open (the second text's deadline is day 50).
    await h.env.sleep(11 * DAY);
    expect((await d.conversation(customer))!.state).toBe('open');
    await h.env.sleep(19 * DAY + 60_000);
    const row = await d.until(customer, (r) => r.state === 'closed');
    expect(row.resolution).toBe('auto_closed');
  });

  it('a queued conversation nobody could take is offered by the fallback tick (5 min ± 20 %) without a nudge', async () => {
    // A long offer timeout: the clock jumps minutes at a time, and a 60 s offer made early in a jump would expire
    // before the test looks.
    const { seed, d } = await setup({
      agents: [{ capacity: 1, presence: 'offline' }],
      workstream: { offerTimeoutSeconds: 3600 },
    });
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'anyone?');
    await d.until(customer, (r) => r.queue_id !== null);
    // Only once the workflow armed its fallback and the server has the timer (no task still in flight) may the clock
    // jump; otherwise the timer would start after the jump.
    const handle = h.env.client.workflow.getHandle(d.workflowIdOf(customer));
    await eventually(async () => {
      const state = (await handle.query(stateQuery)) as { timers: { redistribute: boolean } };
      return state.timers.redistribute && !(await handle.describe()).raw.pendingWorkflowTask;
    });
    // Presence changed behind the API's back: no nudge reaches the conversation, only its fallback timer.
    await h.db.sql`update users set presence = 'available' where id = ${agent.id}`;
    await h.env.sleep(3.9 * 60_000);
    expect((await d.conversation(customer))!.offered_agent_id).toBeNull();
    await h.env.sleep(2.2 * 60_000);
    await d.until(customer, (r) => r.offered_agent_id === agent.id);
  });

  it('a waiting conversation closes after the workstream’s inactivity timer', async () => {
    const { seed, d } = await setup({ workstream: { autoCloseAfterInactivityMinutes: 8 * 60 } });
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.offered_agent_id === agent.id);
    await d.update(customer, acceptUpdate, d.actor(agent));
    await d.update(customer, waitUpdate, d.actor(agent));
    await h.env.sleep(7 * 3600 * 1000);
    expect((await d.conversation(customer))!.state).toBe('waiting');
    await h.env.sleep(3600 * 1000 + 60_000);
    const row = await d.until(customer, (r) => r.state === 'closed');
    expect(row.resolution).toBe('auto_closed');
  });

  it('wrap-up closes by itself after the wrap-up timer, resolved', async () => {
    const { seed, d } = await setup({ workstream: { wrapUpMinutes: 60 } });
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.offered_agent_id === agent.id);
    await d.update(customer, acceptUpdate, d.actor(agent));
    await d.update(customer, endUpdate, d.actor(agent));
    await h.env.sleep(61 * 60_000);
    const row = await d.until(customer, (r) => r.state === 'closed');
    expect(row.resolution).toBe('resolved');
  });

  it('after the reopen window the run completes and the next text starts a new conversation', async () => {
    const { d } = await setup({ workstream: { reopenWindowMinutes: 24 * 60 } });
    const customer = newCustomerNumber();
    await d.text(customer, 'HELP'); // a keyword alone closes at once
    const first = await d.until(customer, (r) => r.state === 'closed');
    const handle = h.env.client.workflow.getHandle(d.workflowIdOf(customer), first.run_id);
    const before = await h.env.currentTimeMs();
    await handle.result();
    expect((await h.env.currentTimeMs()) - before).toBeGreaterThanOrEqual(DAY - 60_000);
    await d.text(customer, 'now a real question');
    const second = await d.until(customer, (r) => r.id !== first.id);
    expect(second.state).toBe('open');
  });

  it('a bot conversation the bot never escalates closes after 30 minutes of inactivity', async () => {
    const { d } = await setup({
      bot: {
        name: 'FAQ',
        kind: 'builtin',
        config: { answers: [{ keywords: ['price'], reply: 'It costs 5.' }], escalationPhrases: ['agent'] },
      },
    });
    const customer = newCustomerNumber();
    await d.text(customer, 'what is the price');
    await d.until(customer, (r) => r.with_bot);
    await h.env.sleep(29 * 60_000);
    expect((await d.conversation(customer))!.state).toBe('open');
    await h.env.sleep(2 * 60_000);
    const row = await d.until(customer, (r) => r.state === 'closed');
    expect(row.resolution).toBe('auto_closed');
  });

  it('a send TeleSign keeps refusing with 503 is retried with backoff, then marked failed and visible', async () => {
    const { seed, d } = await setup({ workstream: {} });
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.offered_agent_id === agent.id);
    await d.update(customer, acceptUpdate, d.actor(agent));
    h.sim.faults.set({ rate503: 1 });
    try {
      const sent = await d.update(customer, sendUpdate, d.actor(agent), { text: 'will this arrive?' });
      await h.env.sleep(10 * 60_000);
      const msg = await eventually(async () => {
        const [m] = await h.db.sql`select status, attempts, error from messages where id = ${sent.messageId}`;
        return m?.status === 'failed' ? m : undefined;
      }, 30_000);
      expect(msg.attempts).toBe(6);
      expect(msg.error).toMatch(/gave up after retries/);
    } finally {
      h.sim.faults.reset();
    }
  });
});

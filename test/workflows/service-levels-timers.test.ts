import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { slaPolicies, smsChannels } from '../../db/schema/index.js';
import { defaultAutomatedMessage } from '../../domain/automated-messages.js';
import { closeUpdate, endUpdate, sendUpdate } from '../../workflows/definitions.js';
import { newCustomerNumber } from '../support/seed.js';
import { eventually } from '../support/stack.js';
import { timeSkippingHarness } from './time-skipping-harness.js';

/*
 * SLA clocks and CSAT survey windows are durable workflow timers: on the time-skipping server the clock jumps to
 * them, and the warning and breach are recorded when they happen, not at the next message.
 */
const h = timeSkippingHarness({ taskQueue: 'service-levels' });
const MIN = 60_000;

async function setup(opts: Parameters<typeof h.setup>[0] = {}) {
  const { seed, d } = await h.setup({ workstream: { autoAccept: true }, ...opts });
  /** The workflow has finished its task (its timers are on the server): only then may the clock jump. */
  const settled = (customer: string) =>
    eventually(
      async () => !(await h.env.client.workflow.getHandle(d.workflowIdOf(customer)).describe()).raw.pendingWorkflowTask,
    );
  return { seed, d, settled };
}

type SlaRow = {
  id: string;
  sla_first_response_due_at: Date | null;
  sla_first_response_warned_at: Date | null;
  sla_first_response_breached_at: Date | null;
  sla_next_response_due_at: Date | null;
  sla_resolution_due_at: Date | null;
  first_response_at: Date | null;
};

const slaRow = async (id: string) =>
  (
    await h.db.sql<SlaRow[]>`select id, sla_first_response_due_at, sla_first_response_warned_at,
      sla_first_response_breached_at, sla_next_response_due_at, sla_resolution_due_at, first_response_at
      from conversations where id = ${id}`
  )[0]!;

describe('SLA clocks (time-skipping server)', () => {
  it('warns at 80 % and breaches at the target of the first response, when it happens; the reply is measured', async () => {
    const { seed, d, settled } = await setup();
    await h.db.db.insert(slaPolicies).values({
      queueId: seed.queueId,
      firstResponseSeconds: 600,
      nextResponseSeconds: 300,
      resolutionSeconds: 7200,
      warningPercent: 80,
    });
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'My order never came');
    const conv = await d.until(customer, (r) => r.state === 'active');
    const started = await eventually(async () => {
      const r = await slaRow(conv.id);
      return r.sla_first_response_due_at ? r : undefined;
    });
    expect(started.sla_resolution_due_at).not.toBeNull();
    await settled(customer);

    await h.env.sleep(7 * MIN);
    expect((await slaRow(conv.id)).sla_first_response_warned_at).toBeNull();
    await h.env.sleep(1.5 * MIN); // past 8 min = 80 % of 10 min
    const warned = await eventually(async () => {
      const r = await slaRow(conv.id);
      return r.sla_first_response_warned_at ? r : undefined;
    });
    expect(warned.sla_first_response_breached_at).toBeNull();
    await settled(customer);
    await h.env.sleep(2 * MIN); // past 10 min
    const breached = await eventually(async () => {
      const r = await slaRow(conv.id);
      return r.sla_first_response_breached_at ? r : undefined;
    });
    // Recorded at the deadline itself (workflow time), not at some later message.
    const due = new Date(breached.sla_first_response_due_at!).getTime();
    expect(Math.abs(new Date(breached.sla_first_response_breached_at!).getTime() - due)).toBeLessThan(5_000);
    const live = await h.db.sql<{ data: { kind: string; event: string } }[]>`
      select data from events where conversation_id = ${conv.id} and type = 'conversation.sla' order by id`;
    expect(live.map((e) => `${e.data.kind}:${e.data.event}`)).toEqual(
      expect.arrayContaining(['first_response:started', 'first_response:warning', 'first_response:breached']),
    );

    await d.update(customer, sendUpdate, d.actor(agent), { text: 'So sorry, checking.' });
    const replied = await eventually(async () => {
      const r = await slaRow(conv.id);
      return r.first_response_at ? r : undefined;
    });
    expect(replied.sla_first_response_due_at).toBeNull();
    const [first] = await h.db.sql<{ seconds: number; breached: boolean; target_seconds: number; agent_id: string }[]>`
      select seconds, breached, target_seconds, agent_id from sla_measurements
      where conversation_id = ${conv.id} and kind = 'first_response'`;
    expect(first).toMatchObject({ breached: true, target_seconds: 600, agent_id: agent.id });
    expect(first!.seconds).toBeGreaterThanOrEqual(600);

    // Next response: from the customer's message while the conversation waits on us.
    await d.text(customer, 'Any news?');
    await eventually(async () => (await slaRow(conv.id)).sla_next_response_due_at !== null);
    await settled(customer);
    await h.env.sleep(2 * MIN);
    await d.update(customer, sendUpdate, d.actor(agent), { text: 'Ships tomorrow.' });
    const next = await eventually(async () => {
      const [m] = await h.db.sql<{ seconds: number; breached: boolean }[]>`
        select seconds, breached from sla_measurements where conversation_id = ${conv.id} and kind = 'next_response'`;
      return m;
    });
    expect(next.breached).toBe(false);
    expect(next.seconds).toBeGreaterThanOrEqual(120);
    expect(next.seconds).toBeLessThan(300);

    await d.update(customer, endUpdate, d.actor(agent));
    const resolution = await eventually(async () => {
      const [m] = await h.db.sql<{ breached: boolean }[]>`
        select breached from sla_measurements where conversation_id = ${conv.id} and kind = 'resolution'`;
      return m;
    });
    expect(resolution.breached).toBe(false);
    expect((await slaRow(conv.id)).sla_resolution_due_at).toBeNull();
  });
});

describe('CSAT over SMS (time-skipping server)', () => {
  const survey = defaultAutomatedMessage('csat_survey', 'en');
  const thanks = defaultAutomatedMessage('csat_thanks', 'en');
  const received = (customer: string) =>
    h.sim
      .phone(customer)
      .received()
      .map((m) => m.text);

  async function resolved(windowMinutes: number) {
    const ctx = await setup();
    await h.db.db
      .update(smsChannels)
      .set({ csatEnabled: true, csatWindowMinutes: windowMinutes })
      .where(eq(smsChannels.id, ctx.seed.channelId));
    const agent = ctx.seed.agents[0]!;
    const customer = newCustomerNumber();
    await ctx.d.text(customer, 'Help with my bill');
    const conv = await ctx.d.until(customer, (r) => r.state === 'active');
    await ctx.d.update(customer, sendUpdate, ctx.d.actor(agent), { text: 'Fixed it.' });
    await ctx.d.update(customer, endUpdate, ctx.d.actor(agent));
    await ctx.d.update(customer, closeUpdate, ctx.d.actor(agent));
    await eventually(async () => received(customer).includes(survey));
    return { ...ctx, agent, customer, conv };
  }

  it('a rating within the window is stored with conversation, agent and queue, thanked once, and reopens nothing', async () => {
    const { d, seed, agent, customer, conv } = await resolved(60);
    await d.text(customer, '5');
    await eventually(async () => received(customer).includes(thanks));
    const [row] = await h.db.sql`select rating, agent_id, queue_id, channel_id from csat_surveys
      where conversation_id = ${conv.id}`;
    expect(row).toMatchObject({ rating: 5, agent_id: agent.id, queue_id: seed.queueId, channel_id: seed.channelId });
    await d.text(customer, 'four'); // a change of mind: stored, not thanked again
    await eventually(async () => {
      const [r] = await h.db.sql`select rating from csat_surveys where conversation_id = ${conv.id}`;
      return r?.rating === 4;
    });
    expect(received(customer).filter((t) => t === thanks)).toHaveLength(1);
    expect((await d.conversation(customer))!.state).toBe('closed');
    // Anything else reopens as today.
    await d.text(customer, 'Actually, one more question about the bill');
    await d.until(customer, (r) => r.state !== 'closed');
  });

  it('after the survey window a digit is an ordinary message and reopens the conversation', async () => {
    const { d, customer, conv, settled } = await resolved(30);
    await settled(customer);
    await h.env.sleep(31 * MIN);
    await d.text(customer, '3');
    await d.until(customer, (r) => r.state !== 'closed');
    const [row] = await h.db.sql`select rating from csat_surveys where conversation_id = ${conv.id}`;
    expect(row!.rating).toBeNull();
    expect(received(customer)).not.toContain(thanks);
  });

  it('the survey holds the run open when the reopen window is shorter than the survey window', async () => {
    const { d, customer, conv, settled } = await resolvedWith({ reopenWindowMinutes: 0 }, 120);
    await settled(customer);
    await h.env.sleep(60 * MIN);
    await d.text(customer, 'пет');
    await eventually(async () => {
      const [r] = await h.db.sql`select rating from csat_surveys where conversation_id = ${conv.id}`;
      return r?.rating === 5;
    });
  });

  async function resolvedWith(workstream: { reopenWindowMinutes: number }, windowMinutes: number) {
    const ctx = await setup({ workstream: { autoAccept: true, ...workstream } });
    await h.db.db
      .update(smsChannels)
      .set({ csatEnabled: true, csatWindowMinutes: windowMinutes, language: 'bg' })
      .where(eq(smsChannels.id, ctx.seed.channelId));
    const agent = ctx.seed.agents[0]!;
    const customer = newCustomerNumber();
    await ctx.d.text(customer, 'Сметката ми');
    const conv = await ctx.d.until(customer, (r) => r.state === 'active');
    await ctx.d.update(customer, endUpdate, ctx.d.actor(agent));
    await ctx.d.update(customer, closeUpdate, ctx.d.actor(agent));
    await eventually(async () => received(customer).includes(defaultAutomatedMessage('csat_survey', 'bg')));
    return { ...ctx, customer, conv };
  }
});

import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { RoutingTrace } from '../../db/schema/conversations.js';
import { calendars, preferredAgents, queues, workstreams } from '../../db/schema/index.js';
import { nudgeWaitingConversations } from '../../temporal/nudge-waiting.js';
import { acceptUpdate, closeUpdate, endUpdate } from '../../workflows/definitions.js';
import { createAgent, newCustomerNumber } from '../support/seed.js';
import { eventually } from '../support/stack.js';
import { realServerHarness } from './real-server-harness.js';
import { calendarClosedFor, maybeRecordHistory, phoneReceives } from './support.js';

/*
 * Operating rules (issue #16) on the real Temporal dev server and Postgres, TeleSign replaced by the simulator:
 * hours (a closure ending in seconds stands in for the night), overflow at routing, preferred agents, and the order
 * distribution serves a burst in. Long waits (days, DST) run on the time-skipping server: operating-hours-timers.test.ts.
 */

const h = realServerHarness({ dlrDelaysMs: [50, 100], callbackRetry: { timeoutMs: 2000, delaysMs: [200, 400] } });
const setup = h.setup;

const closedFor = (closedForMs: number) => calendarClosedFor(h.s.db.db, closedForMs);

const traceOf = async (conversationId: string) => {
  const [row] = await h.s.db.sql<{ routing_trace: RoutingTrace }[]>`
    select routing_trace from conversations where id = ${conversationId}`;
  return row!.routing_trace;
};

describe('operating hours', () => {
  it('outside hours: out_of_hours once per closed period, no offer while closed, offered when it opens', async () => {
    // Closed long enough that a loaded machine still gets both texts in before the opening (it took 8 s once).
    const cal = await closedFor(15_000);
    const { seed, d } = await setup();
    await h.s.db.db.update(workstreams).set({ calendarId: cal.id }).where(eq(workstreams.id, seed.workstreamId));
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'hello at night');
    const row = await d.until(customer, (r) => r.queue_id !== null);
    await eventually(async () => h.sim.phone(customer).received().length >= 2); // greeting + out_of_hours
    await d.text(customer, 'anyone there?');
    await new Promise((r) => setTimeout(r, 1500));
    const texts = h.sim
      .phone(customer)
      .received()
      .map((m) => m.text);
    expect(texts.filter((t) => t.includes('We are closed now'))).toHaveLength(1);
    expect((await d.conversation(customer))!.offered_agent_id).toBeNull();
    const [held] = await h.s.db.sql<
      { held_until: Date | null }[]
    >`select held_until from conversations where id = ${row.id}`;
    expect(held!.held_until).not.toBeNull();
    // The hours timer wakes it at the opening; no nudge, no polling.
    await d.until(customer, (r) => r.offered_agent_id === agent.id, 30_000);
    const trace = await traceOf(row.id);
    expect(trace.decisions?.some((x) => x.kind === 'hours' && x.detail.includes('closed'))).toBe(true);
    expect(trace.decisions?.some((x) => x.kind === 'hours' && x.detail.endsWith('open'))).toBe(true);
    await maybeRecordHistory('operating-hours-hold', d.workflowIdOf(customer));
  });

  it('a queue’s calendar wins over its workstream’s, and out_of_hours_action close closes after the message', async () => {
    const closed = await closedFor(3_600_000);
    const [open] = await h.s.db.db
      .insert(calendars)
      .values({
        name: `open ${Date.now()}`,
        timeZone: 'UTC',
        weekly: ([1, 2, 3, 4, 5, 6, 7] as const).map((day) => ({ day, start: '00:00', end: '24:00' })),
      })
      .returning();
    const { seed, d } = await setup();
    await h.s.db.db
      .update(workstreams)
      .set({ calendarId: open!.id, outOfHoursAction: 'close' })
      .where(eq(workstreams.id, seed.workstreamId));
    await h.s.db.db.update(queues).set({ calendarId: closed.id }).where(eq(queues.id, seed.queueId));
    const customer = newCustomerNumber();
    await d.text(customer, 'are you open?');
    const row = await d.until(customer, (r) => r.state === 'closed');
    expect(row.resolution).toBe('auto_closed');
    await phoneReceives(h.sim, customer, 'We are closed now');
    expect(row.offered_agent_id).toBeNull();
  });
});

describe('overflow at routing', () => {
  it('a queue over its work-item limit transfers to the overflow queue, and the trace says so', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 1, presence: 'offline' }] });
    const helper = await createAgent(h.s.db.db, { capacity: 5 });
    const target = await seed.addQueue([helper.id]);
    await h.s.db.db
      .update(queues)
      .set({ overflow: { maxWaiting: 1, action: 'transfer', targetQueueId: target } })
      .where(eq(queues.id, seed.queueId));
    const first = newCustomerNumber();
    await d.text(first, 'first');
    await d.until(first, (r) => r.queue_id === seed.queueId);
    const second = newCustomerNumber();
    await d.text(second, 'second');
    const row = await d.until(second, (r) => r.offered_agent_id === helper.id);
    expect(row.queue_id).toBe(target);
    expect((await d.conversation(first))!.queue_id).toBe(seed.queueId);
    const trace = await traceOf(row.id);
    expect(trace.decisions?.find((x) => x.kind === 'overflow')?.detail).toMatch(/1 waiting ≥ limit 1.*transfer/);
  });

  it('overflow action end sends overflow_end and closes', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 1, presence: 'offline' }] });
    await h.s.db.db
      .update(queues)
      .set({ overflow: { maxWaiting: 1, action: 'end' } })
      .where(eq(queues.id, seed.queueId));
    const first = newCustomerNumber();
    await d.text(first, 'first');
    await d.until(first, (r) => r.queue_id === seed.queueId);
    const second = newCustomerNumber();
    await d.text(second, 'second');
    const row = await d.until(second, (r) => r.state === 'closed');
    expect(row.resolution).toBe('auto_closed');
    await phoneReceives(h.sim, second, 'all our agents are busy');
    const [overflowed] = await h.s.db.sql<{ overflowed_at: Date | null }[]>`
      select overflowed_at from conversations where id = ${row.id}`;
    expect(overflowed!.overflowed_at).not.toBeNull();
    await maybeRecordHistory('overflow-end', d.workflowIdOf(second));
  });

  it('overflow action wait_message tells the customer once and keeps it queued', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 1, presence: 'offline' }] });
    await h.s.db.db
      .update(queues)
      .set({ overflow: { maxWaiting: 1, action: 'wait_message', message: 'Busy day: please hold on.' } })
      .where(eq(queues.id, seed.queueId));
    const first = newCustomerNumber();
    await d.text(first, 'first');
    await d.until(first, (r) => r.queue_id === seed.queueId);
    const second = newCustomerNumber();
    await d.text(second, 'second');
    await phoneReceives(h.sim, second, (text) => text === 'Busy day: please hold on.');
    expect((await d.conversation(second))!.state).toBe('open');
  });
});

describe('preferred agents', () => {
  it('are tried in order (presence-aware) before the queue’s method', async () => {
    const { seed, d } = await setup({
      agents: [{ capacity: 10 }, { capacity: 2 }, { capacity: 2, presence: 'offline' }],
    });
    const [big, second, offline] = seed.agents as [
      (typeof seed.agents)[0],
      (typeof seed.agents)[0],
      (typeof seed.agents)[0],
    ];
    const customer = newCustomerNumber();
    await h.s.db.db.insert(preferredAgents).values([
      { customerNumber: customer, workstreamId: seed.workstreamId, rank: 0, agentId: offline.id },
      { customerNumber: customer, workstreamId: seed.workstreamId, rank: 1, agentId: second.id },
    ]);
    await d.text(customer, 'it is me again');
    // Highest capacity would pick `big`; the first preferred is offline, the second takes it.
    const row = await d.until(customer, (r) => r.offered_agent_id !== null);
    expect(row.offered_agent_id).toBe(second.id);
    expect(row.offered_agent_id).not.toBe(big.id);
    await maybeRecordHistory('preferred-agent', d.workflowIdOf(customer));
  });

  it('with fallback wait, nobody else is offered while no preferred agent can take it', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 10 }, { capacity: 2, presence: 'offline' }] });
    const preferred = seed.agents[1]!;
    await h.s.db.db
      .update(workstreams)
      .set({ preferredAgentFallback: 'wait' })
      .where(eq(workstreams.id, seed.workstreamId));
    const customer = newCustomerNumber();
    await h.s.db.db
      .insert(preferredAgents)
      .values({ customerNumber: customer, workstreamId: seed.workstreamId, rank: 0, agentId: preferred.id });
    await d.text(customer, 'only my agent please');
    await d.until(customer, (r) => r.queue_id !== null);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await d.conversation(customer))!.offered_agent_id).toBeNull();
    await h.s.db.sql`update users set presence = 'available' where id = ${preferred.id}`;
    await nudgeWaitingConversations({ db: h.s.db.db, temporal: h.s.temporal, queueIds: [seed.queueId], limit: 5 });
    await d.until(customer, (r) => r.offered_agent_id === preferred.id);
  });
});

describe('priority orders distribution', () => {
  it('a burst is served best priority first, then longest waiting, as the one agent frees up', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 1, presence: 'offline' }] });
    const agent = seed.agents[0]!;
    // "urgent" texts get priority 1 from a rule; the rest get the queue's (100). Smaller is served first.
    await seed.addRule({
      name: 'urgent',
      order: 1,
      conditions: [{ field: 'message.text', operator: 'contains', value: 'urgent' }],
      queueId: seed.queueId,
      priority: 1,
    });
    const burst = ['normal a', 'normal b', 'urgent c', 'normal d', 'urgent e', 'normal f'].map((text) => ({
      text,
      customer: newCustomerNumber(),
    }));
    // One after another so their wait (the customer's last message) is ordered.
    for (const b of burst) {
      await d.text(b.customer, b.text);
      await d.until(b.customer, (r) => r.queue_id !== null);
    }
    const expected = ['urgent c', 'urgent e', 'normal a', 'normal b', 'normal d', 'normal f'];
    await h.s.db.sql`update users set presence = 'available' where id = ${agent.id}`;
    // The presence route nudges more conversations than the agent has room for; they race, and the order holds.
    await nudgeWaitingConversations({ db: h.s.db.db, temporal: h.s.temporal, queueIds: [seed.queueId], limit: 6 });
    const served: string[] = [];
    for (let i = 0; i < burst.length; i++) {
      const next = await eventually(async () => {
        for (const b of burst) {
          const row = await d.conversation(b.customer);
          if (row?.offered_agent_id === agent.id) return b;
        }
        return undefined;
      }, 30_000);
      served.push(next.text);
      await d.update(next.customer, acceptUpdate, d.actor(agent));
      await d.update(next.customer, endUpdate, d.actor(agent));
      // Closing releases the capacity, which nudges the queue's best-ranked waiting conversations.
      await d.update(next.customer, closeUpdate, d.actor(agent));
    }
    expect(served).toEqual(expected);
  });
});

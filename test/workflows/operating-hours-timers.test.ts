import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calendars, queues, workstreams } from '../../db/schema/index.js';
import { stateQuery } from '../../workflows/definitions.js';
import { newCustomerNumber } from '../support/seed.js';
import { eventually } from '../support/stack.js';
import { phoneReceives } from './support.js';
import { timeSkippingHarness } from './time-skipping-harness.js';

/*
 * Operating hours and wait-time overflow over days and months, on the time-skipping test server: the workflow sleeps
 * on one durable timer until the next opening (no polling), computed at the workflow's time, across a holiday and a
 * daylight-saving change.
 */
const h = timeSkippingHarness({ taskQueue: 'operating-hours-timers' });
const setup = h.setup;

const DAY = 24 * 3600 * 1000;
const YEAR_MINUTES = 525600;

/** Only once the workflow is idle (no task in flight) may the clock jump; else a timer would start after it. */
async function idle(workflowId: string) {
  const handle = h.env.client.workflow.getHandle(workflowId);
  await eventually(async () => {
    const state = (await handle.query(stateQuery)) as unknown as { pendingInbound: number };
    const d = await handle.describe();
    return state.pendingInbound === 0 && !d.raw.pendingWorkflowTask && (d.raw.pendingActivities?.length ?? 0) === 0;
  });
}

/** The first Monday on or after a date (UTC date parts), as YYYY-MM-DD. */
function mondayOnOrAfter(ms: number): string {
  const d = new Date(ms);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

describe('operating hours on the time-skipping server', () => {
  it('held over a holiday and a DST change, offered at 09:00 local after it, with one out_of_hours message', async () => {
    const { seed, d } = await setup({ workstream: { openTimeoutMinutes: YEAR_MINUTES } });
    const agent = seed.agents[0]!;
    const now = await h.env.currentTimeMs();
    // Europe/Sofia switches to summer time on the last Sunday of March. Open on Mondays 09:00–17:00 only; closed
    // (a one-off closure) from now until that week, and the Monday after the change is a holiday. The next opening
    // is the Monday a week later, 09:00 EEST = 06:00Z (in winter it would be 07:00Z).
    const year = new Date(now).getUTCMonth() >= 2 ? new Date(now).getUTCFullYear() + 1 : new Date(now).getUTCFullYear();
    const lastSundayOfMarch = new Date(Date.UTC(year, 2, 31));
    while (lastSundayOfMarch.getUTCDay() !== 0) lastSundayOfMarch.setUTCDate(lastSundayOfMarch.getUTCDate() - 1);
    const holiday = mondayOnOrAfter(lastSundayOfMarch.getTime());
    const opening = `${mondayOnOrAfter(Date.parse(`${holiday}T00:00:00Z`) + DAY)}T06:00:00.000Z`;
    const [cal] = await h.db.db
      .insert(calendars)
      .values({
        name: 'Mondays in Sofia',
        timeZone: 'Europe/Sofia',
        weekly: [{ day: 1, start: '09:00', end: '17:00' }],
        holidays: [{ date: holiday, name: 'after the change' }],
        closures: [{ start: new Date(now - DAY).toISOString(), end: lastSundayOfMarch.toISOString() }],
      })
      .returning();
    await h.db.db.update(queues).set({ calendarId: cal!.id }).where(eq(queues.id, seed.queueId));
    const customer = newCustomerNumber();
    await d.text(customer, 'hello in winter');
    const row = await d.until(customer, (r) => r.queue_id !== null);
    await phoneReceives(h.sim, customer, 'We are closed now');
    const [held] = await h.db.sql<{ held_until: Date }[]>`select held_until from conversations where id = ${row.id}`;
    expect(new Date(held!.held_until).toISOString()).toBe(opening);
    await idle(d.workflowIdOf(customer));
    // Up to a minute before the opening: still held, not offered, no second message.
    await h.env.sleep(Date.parse(opening) - (await h.env.currentTimeMs()) - 60_000);
    expect((await d.conversation(customer))!.offered_agent_id).toBeNull();
    expect((await d.conversation(customer))!.state).toBe('open');
    await h.env.sleep(2 * 60_000);
    await d.until(customer, (r) => r.offered_agent_id === agent.id);
    const closedTexts = h.sim
      .phone(customer)
      .received()
      .filter((m) => m.text.includes('We are closed now'));
    expect(closedTexts).toHaveLength(1);
  });

  it('the wait-time threshold ends a conversation nobody took (overflow_end), measured on a durable timer', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 1, presence: 'offline' }] });
    await h.db.db
      .update(queues)
      .set({ overflow: { maxWaitMinutes: 90, action: 'end' } })
      .where(eq(queues.id, seed.queueId));
    const customer = newCustomerNumber();
    await d.text(customer, 'is anyone there');
    await d.until(customer, (r) => r.queue_id !== null);
    await idle(d.workflowIdOf(customer));
    await h.env.sleep(80 * 60_000);
    expect((await d.conversation(customer))!.state).toBe('open');
    await h.env.sleep(15 * 60_000);
    const row = await d.until(customer, (r) => r.state === 'closed');
    expect(row.resolution).toBe('auto_closed');
    await phoneReceives(h.sim, customer, 'all our agents are busy');
  });

  it('the wait-time threshold transfers to another queue, whose agent is offered it', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 1, presence: 'offline' }, { capacity: 3 }] });
    const [offline, helper] = seed.agents as [(typeof seed.agents)[0], (typeof seed.agents)[0]];
    // The helper is only in the overflow queue.
    await h.db.sql`delete from queue_members where user_id = ${helper.id} and queue_id = ${seed.queueId}`;
    const target = await seed.addQueue([helper.id]);
    await h.db.db
      .update(queues)
      .set({ overflow: { maxWaitMinutes: 30, action: 'transfer', targetQueueId: target } })
      .where(eq(queues.id, seed.queueId));
    await h.db.db.update(workstreams).set({ offerTimeoutSeconds: 3600 }).where(eq(workstreams.id, seed.workstreamId));
    const customer = newCustomerNumber();
    await d.text(customer, 'waiting…');
    await d.until(customer, (r) => r.queue_id === seed.queueId);
    await idle(d.workflowIdOf(customer));
    await h.env.sleep(31 * 60_000);
    const row = await d.until(customer, (r) => r.offered_agent_id === helper.id);
    expect(row.queue_id).toBe(target);
    expect(offline.id).not.toBe(helper.id);
    const [trace] = await h.db.sql<{ routing_trace: { decisions: { kind: string; detail: string }[] } }[]>`
      select routing_trace from conversations where id = ${row.id}`;
    expect(
      trace!.routing_trace.decisions.some((x) => x.kind === 'overflow' && /waited since .* ≥ 30 min/.test(x.detail)),
    ).toBe(true);
  });
});

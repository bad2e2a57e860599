import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { slaPolicies, smsChannels } from '../../db/schema/index.js';
import { defaultAutomatedMessage } from '../../domain/automated-messages.js';
import { acceptUpdate, closeUpdate, endUpdate, sendUpdate } from '../../workflows/definitions.js';
import { newCustomerNumber } from '../support/seed.js';
import { eventually } from '../support/stack.js';
import { realServerHarness } from './real-server-harness.js';
import { maybeRecordHistory, phoneReceives } from './support.js';

/*
 * SLA and CSAT on the real Temporal server in real time (short targets), end to end through the simulator; the
 * run's history is the replay fixture for these paths (RECORD_HISTORIES=1).
 */
const h = realServerHarness({ dlrDelaysMs: [50, 100], callbackRetry: { timeoutMs: 2000, delaysMs: [200, 400] } });

describe('service levels on a real Temporal server', () => {
  it('a breached first response, a met next response, a resolution, a CSAT survey answered and thanked', async () => {
    const { seed, d } = await h.setup();
    await h.s.db.db
      .insert(slaPolicies)
      .values({ queueId: seed.queueId, firstResponseSeconds: 2, nextResponseSeconds: 60, warningPercent: 50 });
    await h.s.db.db
      .update(smsChannels)
      .set({ csatEnabled: true, csatWindowMinutes: 60 })
      .where(eq(smsChannels.id, seed.channelId));
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'Is anyone there?');
    const conv = await d.until(customer, (r) => r.offered_agent_id === agent.id);
    await d.update(customer, acceptUpdate, d.actor(agent));
    // Breached while nobody replied: recorded by the timer, with no message arriving.
    const breached = await eventually(async () => {
      const [r] = await h.s.db.sql<{ w: string | null; b: string | null }[]>`
        select sla_first_response_warned_at as w, sla_first_response_breached_at as b
        from conversations where id = ${conv.id}`;
      return r?.b ? r : undefined;
    }, 15_000);
    expect(breached.w).not.toBeNull();
    await d.update(customer, sendUpdate, d.actor(agent), { text: 'Yes, sorry for the wait.' });
    await d.text(customer, 'My order 42 is late');
    await eventually(async () => {
      const [r] = await h.s.db.sql`select sla_next_response_due_at from conversations where id = ${conv.id}`;
      return r?.sla_next_response_due_at !== null;
    });
    await d.update(customer, sendUpdate, d.actor(agent), { text: 'It ships today.' });
    await d.update(customer, endUpdate, d.actor(agent));
    await d.update(customer, closeUpdate, d.actor(agent));
    const survey = defaultAutomatedMessage('csat_survey', 'en');
    await phoneReceives(h.sim, customer, (text) => text === survey);
    await d.text(customer, '4');
    await phoneReceives(h.sim, customer, (text) => text === defaultAutomatedMessage('csat_thanks', 'en'));
    const kinds = await h.s.db.sql<{ kind: string; breached: boolean }[]>`
      select kind, breached from sla_measurements where conversation_id = ${conv.id} order by ended_at`;
    expect(kinds).toEqual([
      { kind: 'first_response', breached: true },
      { kind: 'next_response', breached: false },
      { kind: 'resolution', breached: false },
    ]);
    const [rating] = await h.s.db.sql`select rating from csat_surveys where conversation_id = ${conv.id}`;
    expect(rating!.rating).toBe(4);
    expect((await d.conversation(customer))!.state).toBe('closed');
    await maybeRecordHistory('service-levels-sla-csat', d.workflowIdOf(customer));
  });
});

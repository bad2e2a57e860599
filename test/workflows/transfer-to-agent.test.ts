import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { acceptUpdate, rejectUpdate, transferUpdate } from '../../workflows/definitions.js';
import { createAgent, newCustomerNumber } from '../support/seed.js';
import { realServerHarness } from './real-server-harness.js';
import { maybeRecordHistory } from './support.js';

// An agent's transfer to another agent (patched 'transfer-agent-offer'): only to a member of the conversation's
// queue who is in an allowed presence with free capacity, and the target gets an offer to accept or reject.

const h = realServerHarness({ dlrDelaysMs: [50, 100] });
const setup = h.setup;

async function refusal(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'the transfer should have been refused').toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause.type).toBe('InvalidTransition');
  return cause.message;
}

describe('agent → agent transfer', () => {
  it('is refused for a non-member, an offline or a full agent; a valid member gets an offer and accepts', async () => {
    const { seed, d } = await setup({
      agents: [{ capacity: 5 }, { capacity: 2 }, { capacity: 3, presence: 'offline' }, { capacity: 0 }],
    });
    const [a1, a2, offline, full] = seed.agents;
    const outsider = await createAgent(h.s.db.db, { capacity: 5 });
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.offered_agent_id === a1!.id);
    await d.update(customer, acceptUpdate, d.actor(a1!));

    for (const target of [outsider, offline!, full!, a1!]) {
      await refusal(d.update(customer, transferUpdate, d.actor(a1!), { agentId: target.id }));
    }
    expect(await d.conversation(customer)).toMatchObject({ state: 'active', agent_id: a1!.id });
    expect(await d.capacityUsed(a1!.id)).toBe(1);
    expect(await d.capacityUsed(outsider.id)).toBe(0);
    expect(await d.capacityUsed(offline!.id)).toBe(0);

    const ack = await d.update(customer, transferUpdate, d.actor(a1!), { agentId: a2!.id });
    expect(ack.state).toBe('open');
    const offered = await d.conversation(customer);
    expect(offered).toMatchObject({ state: 'open', agent_id: null, offered_agent_id: a2!.id });
    expect(await d.capacityUsed(a1!.id)).toBe(0);
    expect(await d.capacityUsed(a2!.id)).toBe(1);
    const [offer] = await h.s.db.sql`select user_id, outcome from offers where conversation_id = ${offered!.id}
      order by offered_at desc limit 1`;
    expect(offer).toMatchObject({ user_id: a2!.id, outcome: 'pending' });

    await d.update(customer, acceptUpdate, d.actor(a2!));
    expect(await d.conversation(customer)).toMatchObject({ state: 'active', agent_id: a2!.id });
    expect(await d.capacityUsed(a2!.id)).toBe(1);
    await maybeRecordHistory('transfer-agent-offer', d.workflowIdOf(customer));
  });

  it('a rejected transfer offer leaves the conversation in its queue and gives the capacity back', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 5 }, { capacity: 2 }] });
    const [a1, a2] = seed.agents;
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.offered_agent_id === a1!.id);
    await d.update(customer, acceptUpdate, d.actor(a1!));
    await d.update(customer, transferUpdate, d.actor(a1!), { agentId: a2!.id });
    await d.update(customer, rejectUpdate, d.actor(a2!));
    // Back to normal distribution in the queue: the previous owner comes first (keep same agent).
    const back = await d.until(customer, (r) => r.offered_agent_id === a1!.id);
    expect(back).toMatchObject({ state: 'open', agent_id: null, queue_id: seed.queueId });
    expect(await d.capacityUsed(a2!.id)).toBe(0);
  });

  it('goes straight to the target when the workstream auto-accepts', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 5 }, { capacity: 2 }], workstream: { autoAccept: true } });
    const [a1, a2] = seed.agents;
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.state === 'active' && r.agent_id === a1!.id);
    await d.update(customer, transferUpdate, d.actor(a1!), { agentId: a2!.id });
    expect(await d.conversation(customer)).toMatchObject({ state: 'active', agent_id: a2!.id, offered_agent_id: null });
    expect(await d.capacityUsed(a1!.id)).toBe(0);
    expect(await d.capacityUsed(a2!.id)).toBe(1);
  });
});

import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queues, smsChannels, workstreams } from '../../db/schema/index.js';
import { defaultAutomatedMessage, fillPlaceholders } from '../../domain/automated-messages.js';
import { acceptUpdate, endUpdate, forceCloseUpdate, transferUpdate } from '../../workflows/definitions.js';
import { newCustomerNumber } from '../support/seed.js';
import { eventually } from '../support/stack.js';
import { realServerHarness } from './real-server-harness.js';
import { calendarClosedFor, maybeRecordHistory } from './support.js';

/*
 * Every automated message is sent when its event happens: each test sees the SMS arrive at the TeleSign simulator's
 * phone, in the channel's language, with its placeholders filled, and not at all when the channel switched it off.
 */
const h = realServerHarness({ dlrDelaysMs: [50, 100], callbackRetry: { timeoutMs: 2000, delaysMs: [200, 400] } });

async function setup(
  opts: Parameters<typeof h.setup>[0] = {},
  channel: { language?: string; overrides?: Record<string, string> } = {},
) {
  const { seed, d } = await h.setup(opts);
  await h.s.db.db
    .update(smsChannels)
    .set({ language: channel.language ?? 'en', automatedMessages: channel.overrides ?? {} })
    .where(eq(smsChannels.id, seed.channelId));
  const [queue] = await h.s.db.sql<{ name: string }[]>`select name from queues where id = ${seed.queueId}`;
  return { seed, d, queueName: queue!.name };
}

const closedFor = (closedForMs: number) => calendarClosedFor(h.s.db.db, closedForMs);

const texts = (customer: string) =>
  h.sim
    .phone(customer)
    .received()
    .map((m) => m.text);

/** Waits until the customer's phone received `text`. */
const arrives = (customer: string, text: string) =>
  eventually(async () => texts(customer).includes(text), 20_000).then(() => text);

const expected = (trigger: Parameters<typeof defaultAutomatedMessage>[0], language: string, vars = {}) =>
  fillPlaceholders(defaultAutomatedMessage(trigger, language), vars);

describe('automated messages: every trigger reaches the phone', () => {
  it('greeting: a new conversation starts', async () => {
    const { d } = await setup();
    const customer = newCustomerNumber();
    await d.text(customer, 'Hello there');
    await arrives(customer, expected('greeting', 'en'));
  });

  it('agent_assigned: the agent accepts, with {AgentName} and {QueueName} filled; once per new agent', async () => {
    const { seed, d, queueName } = await setup();
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'Where is my parcel?');
    await d.until(customer, (r) => r.offered_agent_id === agent.id);
    await d.update(customer, acceptUpdate, d.actor(agent));
    const text = await arrives(customer, `${agent.name} from ${queueName} is now helping you.`);
    expect(text).not.toMatch(/\{/);
    await maybeRecordHistory('triggers-agent-assigned', d.workflowIdOf(customer));
    // A second text in the same conversation announces nothing again.
    await d.text(customer, 'Thanks');
    await new Promise((r) => setTimeout(r, 500));
    expect(texts(customer).filter((t) => t.includes('is now helping you'))).toHaveLength(1);
  });

  it('agent_assigned in Bulgarian on a Bulgarian channel', async () => {
    const { seed, d, queueName } = await setup({}, { language: 'bg' });
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'Здравейте');
    await arrives(customer, expected('greeting', 'bg'));
    await d.until(customer, (r) => r.offered_agent_id === agent.id);
    await d.update(customer, acceptUpdate, d.actor(agent));
    await arrives(customer, `${agent.name} от ${queueName} вече Ви помага.`);
  });

  it('agent_could_not_be_assigned: the queue it was routed to has no agents at all', async () => {
    const { d } = await setup({ agents: [] });
    const customer = newCustomerNumber();
    await d.text(customer, 'Anyone?');
    await arrives(customer, expected('agent_could_not_be_assigned', 'en'));
    // It keeps waiting in the queue (an admin may add agents); the message is sent once.
    await d.text(customer, 'Hello?');
    await new Promise((r) => setTimeout(r, 500));
    expect(texts(customer).filter((t) => t === expected('agent_could_not_be_assigned', 'en'))).toHaveLength(1);
    expect((await d.conversation(customer))!.state).toBe('open');
  });

  it('agent_ended_conversation: the agent presses End', async () => {
    const { seed, d } = await setup();
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.offered_agent_id === agent.id);
    await d.update(customer, acceptUpdate, d.actor(agent));
    await d.update(customer, endUpdate, d.actor(agent));
    await arrives(customer, expected('agent_ended_conversation', 'en', { AgentName: agent.name }));
  });

  it('conversation_closed: a supervisor closes it (not after the agent ended it)', async () => {
    const { seed, d } = await setup({ agents: [{}, { role: 'supervisor' }] });
    const [agent, supervisor] = seed.agents;
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.offered_agent_id === agent!.id);
    await d.update(customer, acceptUpdate, d.actor(agent!));
    await d.update(customer, forceCloseUpdate, d.actor(supervisor!, 'supervisor'));
    await arrives(customer, expected('conversation_closed', 'en'));
    await maybeRecordHistory('triggers-closed', d.workflowIdOf(customer));
  });

  it('transfer_accepted: another agent accepts a transfer', async () => {
    const { seed, d } = await setup({ agents: [{ capacity: 5 }, { capacity: 3 }] });
    const [first, second] = seed.agents;
    const customer = newCustomerNumber();
    await d.text(customer, 'hi');
    await d.until(customer, (r) => r.offered_agent_id === first!.id);
    await d.update(customer, acceptUpdate, d.actor(first!));
    const { queueName } = {
      queueName: (await h.s.db.sql`select name from queues where id = ${seed.queueId}`)[0]!.name,
    };
    await arrives(customer, `${first!.name} from ${queueName} is now helping you.`);
    await d.update(customer, transferUpdate, d.actor(first!), { agentId: second!.id });
    await d.until(customer, (r) => r.offered_agent_id === second!.id);
    await d.update(customer, acceptUpdate, d.actor(second!));
    await arrives(customer, expected('transfer_accepted', 'en', { AgentName: second!.name }));
    // The new owner is announced as the transfer, not as a second "is now helping you".
    expect(texts(customer).filter((t) => t.includes('is now helping you'))).toHaveLength(1);
    await maybeRecordHistory('triggers-transfer-accepted', d.workflowIdOf(customer));
  });

  it('opt_out_confirmation, opt_in_confirmation and help: the keywords', async () => {
    const { d } = await setup();
    const customer = newCustomerNumber();
    await d.text(customer, 'HELP');
    await arrives(customer, expected('help', 'en'));
    await d.text(customer, 'STOP');
    await arrives(customer, expected('opt_out_confirmation', 'en'));
    await d.text(customer, 'START');
    await arrives(customer, expected('opt_in_confirmation', 'en'));
    await maybeRecordHistory('triggers-keywords-on-closed', d.workflowIdOf(customer));
  });

  it('a channel switches a trigger off with an empty override; the others still go out', async () => {
    const { seed, d } = await setup({}, { overrides: { agent_assigned: '', greeting: 'Hi from {QueueName}!' } });
    const agent = seed.agents[0]!;
    const customer = newCustomerNumber();
    await d.text(customer, 'hello');
    await d.until(customer, (r) => r.offered_agent_id === agent.id);
    await d.update(customer, acceptUpdate, d.actor(agent));
    await d.update(customer, endUpdate, d.actor(agent));
    await arrives(customer, expected('agent_ended_conversation', 'en', { AgentName: agent.name }));
    expect(texts(customer).some((t) => t.includes('is now helping you'))).toBe(false);
    // The override's placeholder is filled (the queue was not known yet when the greeting was queued: empty).
    expect(texts(customer).some((t) => t.startsWith('Hi from'))).toBe(true);
  });

  it('out_of_hours in Bulgarian: a text while the workstream’s calendar is closed, once for that closed period', async () => {
    const { seed, d } = await setup({}, { language: 'bg' });
    const cal = await closedFor(3_600_000);
    await h.s.db.db.update(workstreams).set({ calendarId: cal.id }).where(eq(workstreams.id, seed.workstreamId));
    const customer = newCustomerNumber();
    await d.text(customer, 'Работите ли сега?');
    const text = await arrives(customer, expected('out_of_hours', 'bg'));
    expect(text).toMatch(/не работим/);
    // More texts in the same night say nothing more, and nobody is offered it while closed.
    await d.text(customer, 'Ало?');
    await new Promise((r) => setTimeout(r, 1000));
    expect(texts(customer).filter((t) => t === text)).toHaveLength(1);
    expect(texts(customer)).not.toContain(expected('out_of_hours', 'en'));
    expect((await d.conversation(customer))!.offered_agent_id).toBeNull();
  });

  it('overflow_end: the queue is over its limit with action end, with {QueueName} filled; then closed', async () => {
    const { seed, d, queueName } = await setup(
      { agents: [{ capacity: 1, presence: 'offline' }] },
      { overrides: { overflow_end: 'Sorry, {QueueName} is full right now. Please text us later.' } },
    );
    await h.s.db.db
      .update(queues)
      .set({ overflow: { maxWaiting: 1, action: 'end' } })
      .where(eq(queues.id, seed.queueId));
    const first = newCustomerNumber();
    await d.text(first, 'first');
    await d.until(first, (r) => r.queue_id === seed.queueId);
    const second = newCustomerNumber();
    await d.text(second, 'second');
    const text = await arrives(second, `Sorry, ${queueName} is full right now. Please text us later.`);
    expect(text).not.toMatch(/\{/);
    const row = await d.until(second, (r) => r.state === 'closed');
    expect(row.resolution).toBe('auto_closed');
    // The customer who still fits waits and is told nothing of it; the closed one is not told twice.
    await new Promise((r) => setTimeout(r, 500));
    expect(texts(first)).not.toContain(text);
    expect(texts(second)).not.toContain(expected('conversation_closed', 'en'));
  });
});

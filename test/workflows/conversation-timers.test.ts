import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { installTemporalRuntime } from '../../lib/temporal-runtime.js';
import { type Simulator, startSimulator } from '../../telesign/simulator/server.js';
import { SEARCH_ATTRIBUTES } from '../../temporal/search-attributes.js';
import { acceptUpdate, endUpdate, sendUpdate, stateQuery, waitUpdate } from '../../workflows/definitions.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { newCustomerNumber, seedChannel } from '../support/seed.js';
import { eventually, testConfig } from '../support/stack.js';
import { conversationDriver } from './support.js';

/*
 * Timers measured in days run on the time-skipping test server (Java test server from .tools): the test awaits
 * env.sleep(), which jumps server time once the workflows are idle. Activities still use real Postgres and the
 * TeleSign simulator.
 */
let env: TestWorkflowEnvironment;
let db: TestDb;
let sim: Simulator;
let worker: Worker;
let running: Promise<void>;
const taskQueue = 'timers';

beforeAll(async () => {
  installTemporalRuntime('ERROR');
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('testServerPath') } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTES.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });
  db = await createTestDb();
  sim = await startSimulator();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: createActivities({ db: db.db, config: testConfig({ DATABASE_URL: db.url }) }),
  });
  running = worker.run();
});
afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await env?.teardown();
  await sim?.stop();
  await db?.drop();
});

async function setup(opts: Parameters<typeof seedChannel>[3] = {}) {
  const config = testConfig({ DATABASE_URL: db.url, TEMPORAL_TASK_QUEUE: taskQueue });
  const seed = await seedChannel(db.db, config, sim, opts);
  const d = conversationDriver({ temporal: env.client, db: db.db, config, sql: db.sql }, seed);
  return { seed, d };
}

const DAY = 24 * 3600 * 1000;

describe('conversation timers (time-skipping server)', () => {
  it('an open conversation nobody picks closes after 30 days (auto_closed)', async () => {
    const { d } = await setup({ workstream: { distributionMode: 'pick' } });
    const customer = newCustomerNumber();
    await d.text(customer, 'hello?');
    await d.until(customer, (r) => r.queue_id !== null);
    await env.sleep(29 * DAY);
    expect((await d.conversation(customer))!.state).toBe('open');
    await env.sleep(1 * DAY + 60_000);
    const row = await d.until(customer, (r) => r.state === 'closed');
    expect(row.resolution).toBe('auto_closed');
  });

  it('a later customer text pushes the 30-day close out: the timer wakes at the old deadline and sleeps on', async () => {
    const { d } = await setup({ workstream: { distributionMode: 'pick' } });
    const customer = newCustomerNumber();
    await d.text(customer, 'hello?');
    const first = await d.until(customer, (r) => r.queue_id !== null);
    await env.sleep(20 * DAY);
    await d.text(customer, 'anyone there?');
    await eventually(async () => ((await d.messages(first.id)).length >= 2 ? true : undefined));
    // Past the first text's deadline: still open (the second text's deadline is day 50).
    await env.sleep(11 * DAY);
    expect((await d.conversation(customer))!.state).toBe('open');
    await env.sleep(19 * DAY + 60_000);
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
    const handle = env.client.workflow.getHandle(d.workflowIdOf(customer));
    await eventually(async () => {
      const state = (await handle.query(stateQuery)) as { timers: { redistribute: boolean } };
      return state.timers.redistribute && !(await handle.describe()).raw.pendingWorkflowTask;
    });
    // Presence changed behind the API's back: no nudge reaches the conversation, only its fallback timer.
    await db.sql`update users set presence = 'available' where id = ${agent.id}`;
    await env.sleep(3.9 * 60_000);
    expect((await d.conversation(customer))!.offered_agent_id).toBeNull();
    await env.sleep(2.2 * 60_000);
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
    await env.sleep(7 * 3600 * 1000);
    expect((await d.conversation(customer))!.state).toBe('waiting');
    await env.sleep(3600 * 1000 + 60_000);
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
    await env.sleep(61 * 60_000);
    const row = await d.until(customer, (r) => r.state === 'closed');
    expect(row.resolution).toBe('resolved');
  });

  it('after the reopen window the run completes and the next text starts a new conversation', async () => {
    const { d } = await setup({ workstream: { reopenWindowMinutes: 24 * 60 } });
    const customer = newCustomerNumber();
    await d.text(customer, 'HELP'); // a keyword alone closes at once
    const first = await d.until(customer, (r) => r.state === 'closed');
    const handle = env.client.workflow.getHandle(d.workflowIdOf(customer), first.run_id);
    const before = await env.currentTimeMs();
    await handle.result();
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(DAY - 60_000);
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
    await env.sleep(29 * 60_000);
    expect((await d.conversation(customer))!.state).toBe('open');
    await env.sleep(2 * 60_000);
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
    sim.faults.set({ rate503: 1 });
    try {
      const sent = await d.update(customer, sendUpdate, d.actor(agent), { text: 'will this arrive?' });
      await env.sleep(10 * 60_000);
      const msg = await eventually(async () => {
        const [m] = await db.sql`select status, attempts, error from messages where id = ${sent.messageId}`;
        return m?.status === 'failed' ? m : undefined;
      }, 30_000);
      expect(msg.attempts).toBe(6);
      expect(msg.error).toMatch(/gave up after retries/);
    } finally {
      sim.faults.reset();
    }
  });
});

import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Context } from '@temporalio/activity';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotInput, botActivity } from '../../activities/bot.js';
import { conversationWorkflowId } from '../../temporal/ids.js';
import type { conversationWorkflow } from '../../workflows/conversation-workflow.js';
import {
  agentsAvailableSignal,
  type ConversationInput,
  type InboundSms,
  inboundSignal,
  stateQuery,
} from '../../workflows/definitions.js';
import { newCustomerNumber } from '../support/seed.js';
import { eventually } from '../support/stack.js';
import { HISTORIES_DIR } from './support.js';
import { timeSkippingHarness } from './time-skipping-harness.js';

/*
 * Issue #20 on the time-skipping server (real activities and Postgres): timers carried across continue-as-new as
 * deadlines, and a failing bot that never fails the conversation. `runBot` is the real activity unless a test
 * replaces its behaviour (the timeout case, where the bot never answers). One file over 400 lines on purpose: the
 * cases share one time-skipping environment and worker, started once.
 */
let hook: Server;
let hookHost: string;
let hookUrl: string;
/** What the test webhook bot answers: status and raw body. */
let hookAnswer: { status: number; body: string } = { status: 200, body: '{}' };
let botOverride: ((input: BotInput) => Promise<never>) | null = null;

// The webhook bot listens before the harness starts the worker, whose config must allow its host.
beforeAll(async () => {
  hook = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(hookAnswer.status, { 'content-type': 'application/json' });
      res.end(hookAnswer.body);
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookHost = `127.0.0.1:${(hook.address() as AddressInfo).port}`;
  hookUrl = `http://${hookHost}/bot`;
});
afterAll(async () => {
  await new Promise((r) => hook?.close(r));
});

const h = timeSkippingHarness({
  taskQueue: 'resilience',
  // The test bot is plain http on loopback: the egress guard refuses that unless BOT_ALLOWED_HOSTS names it.
  workerEnv: () => ({ BOT_ALLOWED_HOSTS: hookHost }),
  activities: (real, { db, config }) => {
    const bot = botActivity({ db: db.db, config });
    return { ...real, runBot: (input: BotInput) => (botOverride ? botOverride(input) : bot(input)) };
  },
});
const setup = h.setup;
const taskQueue = h.taskQueue;

const DAY = 24 * 3600 * 1000;

/**
 * With RECORD_HISTORIES=1, saves one run's history (from this file's time-skipping server) as a replay fixture, so
 * later workflow changes are proven against the #20 paths: batched inbound, bot failures, carried deadlines.
 */
async function recordHistory(name: string, workflowId: string, runId?: string) {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const { EventType } = temporal.api.enums.v1;
  const handle = h.env.client.workflow.getHandle(workflowId, runId);
  // Local activities write to Postgres before their task completes: wait until that task is in the history.
  const history = await eventually(async () => {
    const h = await handle.fetchHistory();
    const lastTask = (h.events ?? []).findLast((e) =>
      [
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      ].includes(e.eventType!),
    );
    return lastTask?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED ? h : null;
  });
  writeFileSync(`${HISTORIES_DIR}${name}.json`, historyToJSON(history));
}

describe('timers across continue-as-new (time-skipping server)', () => {
  it('an open conversation in an unstaffed queue closes at its 30 days even after several continue-as-new', {
    timeout: 120_000,
  }, async () => {
    const { seed, d } = await setup({ workstream: { distributionMode: 'pick' } });
    const customer = newCustomerNumber();
    const workflowId = conversationWorkflowId(seed.accountId, seed.supportNumber, customer);
    // A small history limit: a few nudges are enough to continue as new.
    const input: ConversationInput = {
      accountId: seed.accountId,
      supportNumber: seed.supportNumber,
      customerNumber: customer,
      historyLimit: 25,
    };
    const first = await h.env.client.workflow.signalWithStart<typeof conversationWorkflow, [InboundSms]>(
      'conversationWorkflow',
      {
        workflowId,
        taskQueue,
        args: [input],
        signal: inboundSignal,
        signalArgs: [
          {
            inboxId: crypto.randomUUID(),
            referenceId: crypto.randomUUID(),
            text: 'is anyone there?',
            receivedAt: new Date(await h.env.currentTimeMs()).toISOString(),
          },
        ],
      },
    );
    await d.until(customer, (r) => r.queue_id !== null);
    const handle = h.env.client.workflow.getHandle(workflowId);
    const runs = new Set<string>([first.signaledRunId]);
    // Every 6 days, agents come and go (nudges): each wakes the run, and the history limit makes it continue as new.
    for (let day = 6; day <= 24; day += 6) {
      await h.env.sleep(6 * DAY);
      for (let i = 0; i < 6; i++) await handle.signal(agentsAvailableSignal);
      runs.add((await handle.describe()).runId);
    }
    expect(runs.size, 'the run continued as new several times').toBeGreaterThanOrEqual(3);
    await h.env.sleep(5 * DAY); // day 29
    expect((await d.conversation(customer))!.state).toBe('open');
    await h.env.sleep(DAY + 60_000); // day 30 + 1 min
    const row = await d.until(customer, (r) => r.state === 'closed');
    expect(row.resolution).toBe('auto_closed');
    // The last continued run: it starts from carried deadlines and fires the 30-day timer.
    await recordHistory('timers-across-continue-as-new', workflowId, (await handle.describe()).runId);
  });
});

describe('a failing bot never fails the conversation', () => {
  async function botConversation(text: string) {
    const { d, seed } = await setup({
      bot: { name: 'Hook', kind: 'webhook', config: { url: hookUrl, timeoutMs: 2000 } },
    });
    const customer = newCustomerNumber();
    await d.text(customer, text);
    // A bot that never answers: 3 attempts × (2 s deadline + 3 s margin) plus backoff.
    const row = await d.until(customer, (r) => r.queue_id !== null && !r.with_bot, 60_000);
    const notes = await h.db.sql<{ text: string; agent_id: string | null }[]>`
      select text, agent_id from messages where conversation_id = ${row.id} and direction = 'note'`;
    const run = await h.env.client.workflow.getHandle(d.workflowIdOf(customer)).describe();
    return { row, notes, status: run.status.name, seed, workflowId: d.workflowIdOf(customer) };
  }

  it('a bot that never answers (activity timeout, retries exhausted) escalates to an agent with a note', {
    timeout: 120_000,
  }, async () => {
    botOverride = async () => {
      await Context.current().sleep(3_600_000);
      throw new Error('unreachable');
    };
    try {
      const { row, notes, status, seed, workflowId } = await botConversation('hello bot');
      expect(status).toBe('RUNNING');
      expect(row.queue_id).toBe(seed.queueId);
      expect(notes).toEqual([
        { text: expect.stringMatching(/Bot skipped: the bot did not answer in time/), agent_id: null },
      ]);
      await recordHistory('bot-failure-timeout', workflowId);
    } finally {
      botOverride = null;
    }
  });

  it('a bot secret that cannot be decrypted (retired key) skips the bot with a note', { timeout: 60_000 }, async () => {
    const { d } = await setup({
      bot: {
        name: 'Hook',
        kind: 'webhook',
        config: { url: hookUrl, timeoutMs: 2000 },
        secretCiphertext: 'v1.retired.AAAA.AAAA.AAAA',
      },
    });
    const customer = newCustomerNumber();
    await d.text(customer, 'hello bot');
    const row = await d.until(customer, (r) => r.queue_id !== null && !r.with_bot, 30_000);
    const notes = await h.db.sql`select text from messages where conversation_id = ${row.id} and direction = 'note'`;
    expect(notes.map((n) => n.text)).toEqual([
      expect.stringMatching(/Bot skipped: the bot’s secret cannot be decrypted/),
    ]);
    expect((await h.env.client.workflow.getHandle(d.workflowIdOf(customer)).describe()).status.name).toBe('RUNNING');
  });

  it.each([
    [
      'garbage (not JSON)',
      200,
      '<html>oops</html>',
      /Bot (skipped|handed over).*(not a JSON object|not understood)/,
      'bot-failure-bad-answer',
    ],
    ['HTTP 503', 503, '{}', /Bot (skipped|handed over).*(503)/, 'bot-failure-unavailable'],
  ])(
    'a webhook answering %s escalates to an agent with a note',
    { timeout: 60_000 },
    async (_name, status, body, re, history) => {
      hookAnswer = { status, body };
      try {
        const r = await botConversation('hello bot');
        expect(r.status).toBe('RUNNING');
        expect(r.notes.map((n) => n.text)).toEqual([expect.stringMatching(re)]);
        await recordHistory(history, r.workflowId);
      } finally {
        hookAnswer = { status: 200, body: '{}' };
      }
    },
  );
});

describe('a bot that hands over', () => {
  it('writes a note saying why, and the conversation goes to routing', { timeout: 60_000 }, async () => {
    hookAnswer = { status: 200, body: JSON.stringify({ action: 'escalate', text: 'Let me get a person.' }) };
    try {
      const { d, seed } = await setup({
        bot: { name: 'Hook', kind: 'webhook', config: { url: hookUrl, timeoutMs: 2000 } },
      });
      const customer = newCustomerNumber();
      await d.text(customer, 'I need a human');
      const row = await d.until(customer, (r) => r.queue_id !== null && !r.with_bot, 30_000);
      expect(row.queue_id).toBe(seed.queueId);
      const notes = await h.db.sql`select text from messages where conversation_id = ${row.id} and direction = 'note'`;
      expect(notes.map((n) => n.text)).toEqual([expect.stringMatching(/^Bot handed over to an agent: /)]);
      await recordHistory('bot-escalation-note', d.workflowIdOf(customer));
    } finally {
      hookAnswer = { status: 200, body: '{}' };
    }
  });
});

describe('order per customer (workflow side)', () => {
  it('STOP then START delivered out of order (START first) ends opted in', { timeout: 60_000 }, async () => {
    const { seed, d } = await setup({ workstream: { distributionMode: 'pick' } });
    const customer = newCustomerNumber();
    const workflowId = d.workflowIdOf(customer);
    const now = Date.parse(new Date(await h.env.currentTimeMs()).toISOString());
    const sms = (text: string, inboxSeq: number): InboundSms => ({
      inboxId: crypto.randomUUID(),
      referenceId: crypto.randomUUID(),
      text,
      receivedAt: new Date(now + inboxSeq * 1000).toISOString(),
      inboxSeq,
    });
    const input: ConversationInput = {
      accountId: seed.accountId,
      supportNumber: seed.supportNumber,
      customerNumber: customer,
    };
    const deliver = (m: InboundSms) =>
      h.env.client.workflow.signalWithStart<typeof conversationWorkflow, [InboundSms]>('conversationWorkflow', {
        workflowId,
        taskQueue,
        args: [input],
        signal: inboundSignal,
        signalArgs: [m],
      });
    const stop = sms('STOP', 101);
    const start = sms('START', 102);
    const recorded = (ref: string) =>
      eventually(async () => (await h.db.sql`select 1 from messages where provider_reference_id = ${ref}`).length > 0);
    // An open conversation (the same run sees both keywords). The later START is handed over (and recorded) first;
    // the earlier STOP arrives after it.
    const hello = sms('hello', 100);
    await deliver(hello);
    await recorded(hello.referenceId);
    await deliver(start);
    await recorded(start.referenceId);
    await deliver(stop);
    await recorded(stop.referenceId);
    await new Promise((r) => setTimeout(r, 500));
    const consent = await h.db.sql`
      select opted_out from consents where support_number = ${seed.supportNumber} and customer_number = ${customer}`;
    expect(consent.every((c) => c.opted_out === false)).toBe(true);
    const state = (await h.env.client.workflow.getHandle(workflowId).query(stateQuery)) as { optedOut: boolean };
    expect(state.optedOut).toBe(false);
  });
});

describe('order per customer across workflow runs (consent record)', () => {
  /**
   * Commits `texts` to the inbox in this order (as the webhook would) and returns them as the signals the hand-over
   * sends: the inbox sequence and TeleSign's submit time travel with each.
   */
  async function commitToInbox(seed: { accountId: string; supportNumber: string }, customer: string, texts: string[]) {
    const now = await h.env.currentTimeMs();
    const out: InboundSms[] = [];
    for (const [i, text] of texts.entries()) {
      const referenceId = crypto.randomUUID().replaceAll('-', '').toUpperCase();
      const submitted = new Date(now + i * 1000).toISOString();
      const payload = {
        reference_id: referenceId,
        submit_timestamp: submitted,
        sub_resource: 'mo_sms',
        errors: [],
        user_response: { phone_number: customer, sender_id: seed.supportNumber, mo_message: text },
      };
      const [row] = await h.db.sql<{ id: string; seq: string }[]>`
        insert into inbox (account_id, kind, dedup_key, reference_id, sub_resource, raw_body, payload, status,
                           conversation_key, delivered_at)
        values (${seed.accountId}, 'mo_sms', ${`mo:${referenceId}`}, ${referenceId}, 'mo_sms',
                ${JSON.stringify(payload)}, ${JSON.stringify(payload)}::jsonb, 'delivered',
                ${conversationWorkflowId(seed.accountId, seed.supportNumber, customer)}, now())
        returning id, seq::text`;
      out.push({ inboxId: row!.id, referenceId, text, receivedAt: submitted, inboxSeq: Number(row!.seq) });
    }
    return out;
  }

  async function oneRun(seed: { accountId: string; supportNumber: string }, customer: string, message: InboundSms) {
    const handle = await h.env.client.workflow.signalWithStart<typeof conversationWorkflow, [InboundSms]>(
      'conversationWorkflow',
      {
        workflowId: conversationWorkflowId(seed.accountId, seed.supportNumber, customer),
        taskQueue,
        args: [{ accountId: seed.accountId, supportNumber: seed.supportNumber, customerNumber: customer }],
        signal: inboundSignal,
        signalArgs: [message],
      },
    );
    // A keyword on its own closes its conversation; the run completes after the reopen window (time skipped).
    await handle.result();
    return handle.signaledRunId;
  }

  const consentOf = async (seed: { supportNumber: string }, customer: string) =>
    (
      await h.db.sql<{ opted_out: boolean }[]>`
      select opted_out from consents where support_number = ${seed.supportNumber} and customer_number = ${customer}`
    )[0]?.opted_out ?? false;
  const eventOf = async (referenceId: string) =>
    (
      await h.db.sql<{ opted_out: boolean; applied: boolean }[]>`
      select opted_out, applied from consent_events where idempotency_key = ${`consent:${referenceId}`}`
    )[0];

  it('STOP then START, START handed over first and its run completed: the older STOP in a new run is not applied', {
    timeout: 90_000,
  }, async () => {
    const { seed } = await setup({ workstream: { distributionMode: 'pick' } });
    const customer = newCustomerNumber();
    const [stop, start] = await commitToInbox(seed, customer, ['STOP', 'START']);
    // START while opted in changes nothing, so only the inbox knows it is the customer's latest word.
    const first = await oneRun(seed, customer, start!);
    const second = await oneRun(seed, customer, stop!);
    expect(second).not.toBe(first);
    expect(await consentOf(seed, customer)).toBe(false);
    expect(await eventOf(stop!.referenceId)).toEqual({ opted_out: true, applied: false });
  });

  it('opted out, then STOP and START: START applied in one run, the older STOP in the next run does not undo it', {
    timeout: 90_000,
  }, async () => {
    const { seed } = await setup({ workstream: { distributionMode: 'pick' } });
    const customer = newCustomerNumber();
    const [earlier] = await commitToInbox(seed, customer, ['STOP']);
    await oneRun(seed, customer, earlier!);
    expect(await consentOf(seed, customer)).toBe(true);
    const [stop, start] = await commitToInbox(seed, customer, ['STOP', 'START']);
    await oneRun(seed, customer, start!);
    expect(await consentOf(seed, customer)).toBe(false);
    expect(await eventOf(start!.referenceId)).toEqual({ opted_out: false, applied: true });
    const last = await oneRun(seed, customer, stop!);
    expect(await consentOf(seed, customer)).toBe(false);
    expect(await eventOf(stop!.referenceId)).toEqual({ opted_out: true, applied: false });
    await recordHistory(
      'consent-older-stop-new-run',
      conversationWorkflowId(seed.accountId, seed.supportNumber, customer),
      last,
    );
  });

  it('the older STOP in a new run sends the customer no opt-out confirmation', { timeout: 90_000 }, async () => {
    const { seed } = await setup({ workstream: { distributionMode: 'pick' } });
    const customer = newCustomerNumber();
    const [stop, start] = await commitToInbox(seed, customer, ['STOP', 'START']);
    await oneRun(seed, customer, start!);
    await oneRun(seed, customer, stop!);
    const automated = await h.db.sql<{ n: number }[]>`
      select count(*)::int as n from messages m join conversations c on c.id = m.conversation_id
      where c.support_number = ${seed.supportNumber} and c.customer_number = ${customer} and m.direction = 'automated'`;
    expect(automated[0]!.n).toBe(0);
    expect(await consentOf(seed, customer)).toBe(false);
  });

  it('in order, a later STOP in a new run still opts the customer out', { timeout: 90_000 }, async () => {
    const { seed } = await setup({ workstream: { distributionMode: 'pick' } });
    const customer = newCustomerNumber();
    const [start, stop] = await commitToInbox(seed, customer, ['START', 'STOP']);
    await oneRun(seed, customer, start!);
    await oneRun(seed, customer, stop!);
    expect(await consentOf(seed, customer)).toBe(true);
    expect(await eventOf(stop!.referenceId)).toEqual({ opted_out: true, applied: true });
  });
});

describe('a flood into one conversation (time-skipping server)', () => {
  it('150 texts signalled back to back are each recorded once, in order', {
    timeout: 120_000,
  }, async () => {
    const { seed, d } = await setup({ workstream: { distributionMode: 'pick' } });
    const customer = newCustomerNumber();
    const workflowId = d.workflowIdOf(customer);
    const now = await h.env.currentTimeMs();
    const texts: InboundSms[] = Array.from({ length: 150 }, (_, i) => ({
      inboxId: crypto.randomUUID(),
      referenceId: `FLOOD${i.toString().padStart(4, '0')}${crypto.randomUUID().slice(0, 8)}`,
      text: `flood ${i}`,
      receivedAt: new Date(now).toISOString(), // one second: the transcript keeps them in recording order
      inboxSeq: 1_000_000 + i,
    }));
    await h.env.client.workflow.signalWithStart<typeof conversationWorkflow, [InboundSms]>('conversationWorkflow', {
      workflowId,
      taskQueue,
      args: [{ accountId: seed.accountId, supportNumber: seed.supportNumber, customerNumber: customer }],
      signal: inboundSignal,
      signalArgs: [texts[0]!],
    });
    // The rest back to back, in inbox order (as the hand-over delivers them): they queue while a task records.
    const handle = h.env.client.workflow.getHandle(workflowId);
    for (const m of texts.slice(1)) await handle.signal(inboundSignal, m);
    const refs = texts.map((t) => t.referenceId);
    await eventually(
      async () =>
        (await h.db.sql`select 1 from messages where provider_reference_id = any(${refs})`).length === refs.length,
      60_000,
    );
    const rows = await h.db.sql<{ ref: string }[]>`
      select provider_reference_id as ref from messages
      where provider_reference_id = any(${refs}) order by created_at, seq`;
    expect(rows.map((r) => r.ref)).toEqual(refs);
    await recordHistory('inbound-batch-flood', workflowId);
  });
});

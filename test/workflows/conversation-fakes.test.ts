import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ConversationContext, WorkstreamSettings } from '../../activities/conversation-context.js';
import type { Activities } from '../../activities/index.js';
import type { RecordedInbound } from '../../activities/record-inbound.js';
import { installTemporalRuntime } from '../../lib/temporal-runtime.js';
import { SEARCH_ATTRIBUTES } from '../../temporal/search-attributes.js';
import type { conversationWorkflow } from '../../workflows/conversation/workflow.js';
import {
  FailureTypes,
  forceCloseUpdate,
  type InboundSms,
  inboundSignal,
  sendUpdate,
  stateQuery,
} from '../../workflows/definitions.js';

/*
 * The workflow's rules on the time-skipping server, with every activity replaced by an in-memory fake: no Postgres,
 * no simulator. Each test gets its own task queue and worker, so the fakes' call logs belong to one conversation.
 */
let env: TestWorkflowEnvironment;

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
});
afterAll(async () => {
  await env?.teardown();
});

const MINUTE = 60_000;

const workstream = (over: Partial<WorkstreamSettings> = {}): WorkstreamSettings => ({
  id: 'ws-1',
  name: 'Support',
  distributionMode: 'push',
  capacityUnits: 1,
  defaultQueueId: 'queue-1',
  offerTimeoutSeconds: 30,
  autoAccept: false,
  keepSameAgent: false,
  blockCapacityForWrapUp: false,
  wrapUpMinutes: 5,
  autoCloseAfterInactivityMinutes: 60,
  reopenWindowMinutes: 0,
  openTimeoutMinutes: 60,
  allowedPresences: ['available'],
  skillMatching: 'none',
  ...over,
});

const contextWith = (over: Partial<ConversationContext> = {}): ConversationContext => ({
  channel: { id: 'channel-1', language: 'en', automatedMessages: {} },
  workstream: workstream(),
  bot: null,
  declinesAllowed: 3,
  optedOut: false,
  ...over,
});

type Call = { name: string; input: Record<string, unknown> };

/** In-memory activities: every call is logged; behaviour comes from the few hooks a test overrides. */
function fakeActivities(
  opts: {
    context?: ConversationContext;
    reserveAgent?: (input: { excludeAgentIds: string[] }) => { agentId: string } | null;
    runBot?: () => Promise<never>;
    queueOutboundMs?: number;
  } = {},
) {
  const calls: Call[] = [];
  const log =
    <R>(name: string, result: (input: never) => R) =>
    async (input: never): Promise<Awaited<R>> => {
      calls.push({ name, input: input as Record<string, unknown> });
      return await result(input);
    };
  const recorded = new Set<string>();
  /** Outbound rows being written right now, and the most ever written at once. */
  const writing = { now: 0, max: 0 };
  const activities: Partial<Activities> = {
    loadConversationContext: log('loadConversationContext', () => opts.context ?? contextWith()),
    recordInboundBatch: log('recordInboundBatch', (input: { messages: InboundSms[] }): RecordedInbound[] =>
      input.messages.map((m) => {
        const duplicate = recorded.has(m.referenceId);
        recorded.add(m.referenceId);
        return { referenceId: m.referenceId, messageId: `msg-${m.referenceId}`, duplicate };
      }),
    ),
    // The lean-turns path: the two fakes above in one call (each still logged under its own name).
    recordInboundTurn: log('recordInboundTurn', async (input: { loadContext: boolean; messages: InboundSms[] }) => ({
      ...(input.loadContext ? { context: await call('loadConversationContext', input) } : {}),
      recorded: await call('recordInboundBatch', input),
    })),
    syncConversation: log('syncConversation', () => undefined),
    classify: log('classify', () => ({ queueId: 'queue-1', skills: [] as string[], trace: [], rulePriority: null })),
    // Operating rules: always open, no overflow, no preferred agents (operating-rules.test.ts covers the rest).
    admitToQueue: log('admitToQueue', (input: { queueId: string }) => ({
      queueId: input.queueId,
      priority: 100,
      hours: { open: true },
      outOfHoursAction: 'wait',
      overflow: null,
      maxWaitMinutes: null,
      preferredAgentIds: [],
      preferredAgentFallback: 'queue',
    })),
    reserveAgent: log('reserveAgent', (input: { excludeAgentIds: string[] }) => opts.reserveAgent?.(input) ?? null),
    recordOffer: log('recordOffer', () => undefined),
    resolveOffer: log('resolveOffer', () => undefined),
    releaseCapacity: log('releaseCapacity', () => null),
    nudgeQueues: log('nudgeQueues', () => undefined),
    queueAutomated: log('queueAutomated', () => false),
    queueOutbound: log('queueOutbound', async () => {
      writing.max = Math.max(writing.max, ++writing.now);
      await new Promise((r) => setTimeout(r, opts.queueOutboundMs ?? 0));
      writing.now--;
    }),
    deliverOutbound: log('deliverOutbound', () => undefined),
    markSendFailed: log('markSendFailed', () => undefined),
    setConsent: log('setConsent', () => undefined),
    runBot: log('runBot', () => (opts.runBot ? opts.runBot() : Promise.reject(new Error('no bot in this test')))),
    // Service levels (automated triggers, SLA clocks, CSAT): a staffed queue without targets.
    queueStaffing: log('queueStaffing', () => ({ members: 1 })),
    loadSlaPolicy: log('loadSlaPolicy', () => null),
    queueFacts: log('queueFacts', () => ({ members: 1, policy: null })),
    recordSlaEvent: log('recordSlaEvent', () => undefined),
    openCsatSurvey: log('openCsatSurvey', () => undefined),
    answerCsat: log('answerCsat', () => ({ first: true })),
  } as unknown as Partial<Activities>;
  const call = (name: string, input: unknown) =>
    (activities as unknown as Record<string, (input: unknown) => Promise<unknown>>)[name]!(input);
  const named = (name: string) => calls.filter((c) => c.name === name).map((c) => c.input);
  return { activities, calls, named, writing };
}

let seq = 0;
const sms = (text: string, inboxSeq?: number): InboundSms => ({
  inboxId: randomUUID(),
  referenceId: `REF${++seq}`,
  text,
  receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, seq)).toISOString(),
  ...(inboxSeq !== undefined ? { inboxSeq } : {}),
});

async function withWorker(activities: Partial<Activities>, fn: (taskQueue: string) => Promise<void>) {
  const taskQueue = `fakes-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities,
  });
  await worker.runUntil(fn(taskQueue));
}

const input = { accountId: 'acct-1', supportNumber: '15550000001', customerNumber: '15550000002' };

/**
 * Ends a test's conversation: the server is shared, and time skipping stands still while any run has a task in
 * flight. Terminating is not enough: a run terminated while a task still ran (a query answered mid-task splits it)
 * keeps that task's hold on the test server's clock for good. So a supervisor force-closes it and the test waits for
 * the run to end by itself; terminate is only the fallback.
 */
async function stop(handle: WorkflowHandle<typeof conversationWorkflow>): Promise<void> {
  try {
    await handle.executeUpdate(forceCloseUpdate, { args: [{ userId: 'supervisor-1', role: 'supervisor' }] });
    await handle.result();
  } catch {
    await handle.terminate('test done').catch(() => {});
  }
}

/** Polls `check` while the time-skipping server stands still (time only moves in env.sleep). */
async function until<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('conversation workflow with fake activities (time-skipping server)', () => {
  it('records a flood of inbound in batches of at most 100 per task, in inbox order, each message once', async () => {
    const fake = fakeActivities();
    const taskQueue = `fakes-${randomUUID()}`;
    const workflowId = `conv-batch-${randomUUID()}`;
    // 150 texts whose inbox sequence is the reverse of their delivery order, all delivered before any task runs.
    const texts = Array.from({ length: 150 }, (_, i) => sms(`text ${i}`, 1000 - i));
    const handle = await env.client.workflow.signalWithStart<typeof conversationWorkflow, [InboundSms]>(
      'conversationWorkflow',
      { taskQueue, workflowId, args: [input], signal: inboundSignal, signalArgs: [texts[0]!] },
    );
    for (const t of texts.slice(1)) await handle.signal(inboundSignal, t);
    // A re-delivery of a text already queued is dropped.
    await handle.signal(inboundSignal, texts[7]!);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: fake.activities,
    });
    await worker.runUntil(async () => {
      await until(async () => ((await handle.query(stateQuery)).pendingInbound === 0 ? true : undefined));
      await stop(handle);
    });
    const batches = fake.named('recordInboundBatch').map((x) => (x.messages as InboundSms[]).map((m) => m.inboxSeq!));
    expect(batches.length).toBeGreaterThanOrEqual(2);
    for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(100);
    expect(batches[0]).toHaveLength(100);
    const all = batches.flat();
    expect(all).toHaveLength(150);
    expect(all).toEqual([...all].sort((a, b) => a - b));
    expect(new Set(all).size).toBe(150);
  });

  it('offers to the next agent when the first lets the offer time out', async () => {
    const fake = fakeActivities({
      reserveAgent: ({ excludeAgentIds }) =>
        excludeAgentIds.includes('agent-a') ? { agentId: 'agent-b' } : { agentId: 'agent-a' },
    });
    await withWorker(fake.activities, async (taskQueue) => {
      const handle = await env.client.workflow.signalWithStart<typeof conversationWorkflow, [InboundSms]>(
        'conversationWorkflow',
        {
          taskQueue,
          workflowId: `conv-offer-${randomUUID()}`,
          args: [input],
          signal: inboundSignal,
          signalArgs: [sms('my order is late')],
        },
      );
      const first = await until(async () => (await handle.query(stateQuery)).offer ?? undefined);
      expect(first.agentId).toBe('agent-a');
      await env.sleep(31_000);
      const second = await until(async () => {
        const offer = (await handle.query(stateQuery)).offer;
        return offer?.agentId === 'agent-b' ? offer : undefined;
      });
      expect(second.agentId).toBe('agent-b');
      const state = await handle.query(stateQuery);
      expect(state.declines).toEqual({ 'agent-a': 1 });
      expect(fake.named('resolveOffer')).toEqual([expect.objectContaining({ outcome: 'timed_out' })]);
      expect(fake.named('recordOffer').map((x) => x.agentId)).toEqual(['agent-a', 'agent-b']);
      await stop(handle);
    });
  });

  it('escalates to routing with a transcript note when the bot fails for good', async () => {
    const fake = fakeActivities({
      context: contextWith({ bot: { id: 'bot-1', kind: 'webhook', timeoutMs: 1000 } }),
      runBot: () =>
        Promise.reject(
          ApplicationFailure.create({
            type: FailureTypes.BotSecretUnreadable,
            message: 'secret sealed under a retired key',
            nonRetryable: true,
          }),
        ),
    });
    await withWorker(fake.activities, async (taskQueue) => {
      const handle = await env.client.workflow.signalWithStart<typeof conversationWorkflow, [InboundSms]>(
        'conversationWorkflow',
        {
          taskQueue,
          workflowId: `conv-bot-${randomUUID()}`,
          args: [input],
          signal: inboundSignal,
          signalArgs: [sms('I need help with my bill')],
        },
      );
      const state = await until(async () => {
        const s = await handle.query(stateQuery);
        return s.queueId && !s.withBot ? s : undefined;
      });
      expect(state.state).toBe('open');
      expect(state.botVariables.escalationReason).toBe('the bot’s secret cannot be decrypted');
      const notes = fake.named('queueOutbound').filter((x) => x.direction === 'note');
      expect(notes.map((x) => x.text)).toEqual([
        'Bot skipped: the bot’s secret cannot be decrypted. The conversation was routed to an agent.',
      ]);
      expect(fake.named('classify').map((x) => x.text)).toEqual(['I need help with my bill']);
      const desc = await handle.describe();
      expect(desc.status.name).toBe('RUNNING');
      await stop(handle);
    });
  });

  it('runs updates that arrive together one at a time, each under the conversation lock', async () => {
    const fake = fakeActivities({
      context: contextWith({ workstream: workstream({ autoAccept: true }) }),
      reserveAgent: () => ({ agentId: 'agent-a' }),
      queueOutboundMs: 700,
    });
    await withWorker(fake.activities, async (taskQueue) => {
      const handle = await env.client.workflow.signalWithStart<typeof conversationWorkflow, [InboundSms]>(
        'conversationWorkflow',
        {
          taskQueue,
          workflowId: `conv-lock-${randomUUID()}`,
          args: [input],
          signal: inboundSignal,
          signalArgs: [sms('hello')],
        },
      );
      try {
        await until(async () => ((await handle.query(stateQuery)).state === 'active' ? true : undefined));
        const agent = { userId: 'agent-a', role: 'agent' as const };
        const first = handle.executeUpdate(sendUpdate, { args: [agent, { text: 'one' }] });
        await new Promise((r) => setTimeout(r, 200));
        const acks = await Promise.all([
          first,
          handle.executeUpdate(sendUpdate, { args: [agent, { text: 'two' }] }),
          handle.executeUpdate(sendUpdate, { args: [agent, { text: 'three' }] }),
        ]);
        expect(acks.map((a) => a.state)).toEqual(['active', 'active', 'active']);
        expect(fake.named('queueOutbound').map((x) => x.text)).toHaveLength(3);
        expect(fake.writing.max, 'two updates wrote at the same time').toBe(1);
        // Ends by itself (a run terminated while its updates' sends were in flight held up the test server's time
        // skipping for the next test).
        await handle.executeUpdate(forceCloseUpdate, { args: [{ userId: 'supervisor-1', role: 'supervisor' }] });
        await handle.result();
      } catch (err) {
        await stop(handle);
        throw err;
      }
    });
  });

  it('carries timers as deadlines across continue-as-new: the open timeout fires on time, not restarted', async () => {
    // Nobody is ever available: the redistribution tick (5, 10, 20 min…) wakes the run, and a tiny history limit
    // makes it continue as new each time. The 60-minute open timeout must still close it at 60 minutes.
    // The run is queried only while it is idle: a query that lands on a workflow task still running local
    // activities makes the SDK complete that task early and ask for another; with this history limit the next task
    // continues as new, and the time-skipping test server cannot apply a continue-as-new that asks for one more task
    // (it refuses the completion and the run's task stays open for good, holding time skipping and every later query).
    const fake = fakeActivities();
    await withWorker(fake.activities, async (taskQueue) => {
      const handle = await env.client.workflow.signalWithStart<typeof conversationWorkflow, [InboundSms]>(
        'conversationWorkflow',
        {
          taskQueue,
          workflowId: `conv-can-${randomUUID()}`,
          args: [{ ...input, historyLimit: 15 }],
          signal: inboundSignal,
          signalArgs: [sms('where is my parcel')],
        },
      );
      const firstRun = handle.signaledRunId;
      // Routed and nobody free (read from the fakes, not queried); the task still running holds time until it ends.
      await until(() => (fake.named('reserveAgent').length > 0 ? true : undefined));
      await env.sleep(55 * MINUTE);
      const latest = env.client.workflow.getHandle(handle.workflowId);
      const midway = await latest.describe();
      expect(midway.runId, 'the run continued as new at least once').not.toBe(firstRun);
      const view = await latest.query(stateQuery);
      expect(view.state).toBe('open');
      expect(view.timers).toMatchObject({ state: true, redistribute: true });
      await env.sleep(6 * MINUTE);
      // The chain ends by itself (no run is left with a task in flight when the worker stops).
      await latest.result();
      const closed = fake.named('syncConversation').filter((x) => (x.patch as { state?: string }).state === 'closed');
      expect(closed.map((x) => (x.patch as { resolution?: string }).resolution)).toEqual(['auto_closed']);
    });
  });
});

import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../telesign/simulator/server.js';
import { newCustomerNumber, seedChannel } from '../support/seed.js';
import { createTestStack, eventually, type TestStack } from '../support/stack.js';
import { conversationDriver, maybeRecordHistory } from './support.js';

// What one customer text to an existing conversation costs the Temporal server, counted in history events: every
// event is a write on the server and work for the worker, so this is the per-SMS budget of docs/performance.md.
let s: TestStack;
let sim: Simulator;

beforeAll(async () => {
  s = await createTestStack();
  sim = await startSimulator({ dlrDelaysMs: [50, 100] });
});
afterAll(async () => {
  await sim?.stop();
  await s?.close();
});

describe('the cost of a conversation turn in history events', () => {
  it("merges a new conversation's look-ups, and a text to it adds one signal, one task and one marker, no timer restart", async () => {
    const seed = await seedChannel(s.db.db, s.config, sim);
    const d = conversationDriver({ temporal: s.temporal, db: s.db.db, config: s.config, sql: s.db.sql }, seed);
    const customer = newCustomerNumber();
    await d.text(customer, 'Where is my order?');
    const offered = await d.until(customer, (r) => r.offered_agent_id === seed.agents[0]!.id);
    const handle = s.temporal.workflow.getHandle(d.workflowIdOf(customer));
    const count = async () => (await handle.fetchHistory()).events?.length ?? 0;
    const inboundCount = async () => (await d.messages(offered.id)).filter((m) => m.direction === 'inbound').length;
    // Wait for the first turn (greeting send included) to settle before counting.
    await eventually(async () => {
      const n = await count();
      await new Promise((r) => setTimeout(r, 500));
      return (await count()) === n ? true : undefined;
    }, 20_000);
    const before = await count();
    // The new conversation's first task: the context load rides with the recording, staffing with the SLA policy.
    const localActivities = ((await handle.fetchHistory()).events ?? []).flatMap((e) => {
      const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
      if (!data) return [];
      const parsed = JSON.parse(Buffer.from(data).toString()) as { activity_type?: string };
      return parsed.activity_type ? [parsed.activity_type] : [];
    });
    expect(localActivities).toContain('recordInboundTurn');
    expect(localActivities).toContain('queueFacts');
    for (const merged of ['loadConversationContext', 'recordInboundBatch', 'queueStaffing', 'loadSlaPolicy']) {
      expect(localActivities).not.toContain(merged);
    }
    const texts = 3;
    for (let i = 1; i <= texts; i++) {
      await d.text(customer, `and another thing ${i}`);
      await eventually(async () => ((await inboundCount()) === i + 1 ? true : undefined), 20_000);
      // The turn ends with its task's completion, after the recording committed.
      await eventually(async () => {
        const n = await count();
        await new Promise((r) => setTimeout(r, 300));
        return (await count()) === n ? true : undefined;
      }, 20_000);
    }
    await new Promise((r) => setTimeout(r, 500));
    const history = (await handle.fetchHistory()).events ?? [];
    const perText = (history.length - before) / texts;
    const added = history.slice(before).map((e) => temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? '?');
    console.log(`history events per text: ${perText}`, added.join(' '));
    expect((await d.conversation(customer))?.state).toBe('open');
    // Signal, task scheduled/started/completed and the recording's marker: 5 events; timers are not restarted.
    expect(added.filter((t) => /TIMER/.test(t))).toEqual([]);
    expect(perText).toBeLessThanOrEqual(5);
    await maybeRecordHistory('lean-turns', d.workflowIdOf(customer));
  });
});

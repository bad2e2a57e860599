import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordInboundBatchActivity } from '../../activities/record-inbound.js';
import { EVENTS_CHANNEL } from '../../db/publish-event.js';
import type { InboundSms } from '../../workflows/definitions.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { createAgent } from '../support/seed.js';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.drop());

const sms = (text: string, at = new Date()): InboundSms => ({
  inboxId: randomUUID(),
  referenceId: randomBytes(16).toString('hex').toUpperCase(),
  text,
  receivedAt: at.toISOString(),
});

const batchInput = (conversationId: string, messages: InboundSms[]) => ({
  conversationId,
  workflowId: `conv:test:${conversationId}`,
  runId: randomUUID(),
  accountId: randomUUID(),
  supportNumber: '15550000000',
  customerNumber: '15551110000',
  channel: null,
  messages,
});

describe('recordInboundBatch', () => {
  it('inserts a batch in the given order with one answer per message, in input order', async () => {
    const record = recordInboundBatchActivity(db.db);
    const conversationId = randomUUID();
    const at = new Date();
    const batch = Array.from({ length: 50 }, (_, i) => sms(`m${i}`, at));
    const out = await record(batchInput(conversationId, batch));
    expect(out.map((r) => r.referenceId)).toEqual(batch.map((m) => m.referenceId));
    expect(out.every((r) => !r.duplicate)).toBe(true);
    const rows = await db.sql`
      select text, id from messages where conversation_id = ${conversationId} order by created_at, seq`;
    expect(rows.map((r) => r.text)).toEqual(batch.map((m) => m.text));
    expect(rows.map((r) => r.id)).toEqual(out.map((r) => r.messageId));
    const [events] = await db.sql`
      select count(*)::int as n from events where conversation_id = ${conversationId} and type = 'message.created'`;
    expect(events!.n).toBe(50);
  });

  it('appends one message.created per new message for the owner and notifies them in order on commit', async () => {
    const record = recordInboundBatchActivity(db.db);
    const conversationId = randomUUID();
    await record(batchInput(conversationId, [sms('first')]));
    const agent = await createAgent(db.db);
    await db.sql`update conversations set offered_agent_id = ${agent.id} where id = ${conversationId}`;
    const notified: string[] = [];
    const listener = await db.sql.listen(EVENTS_CHANNEL, (id) => notified.push(id));
    try {
      const out = await record(batchInput(conversationId, [sms('a'), sms('b'), sms('c')]));
      const rows = await db.sql<{ id: string; agent_ids: string[]; data: { messageId: string } }[]>`
        select id::text, agent_ids, data from events
        where conversation_id = ${conversationId} and type = 'message.created' order by id`;
      expect(rows.slice(1).map((r) => r.data.messageId)).toEqual(out.map((r) => r.messageId));
      expect(rows.slice(1).every((r) => r.agent_ids.length === 1 && r.agent_ids[0] === agent.id)).toBe(true);
      const deadline = Date.now() + 5000;
      while (notified.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(notified).toEqual(rows.slice(1).map((r) => r.id));
    } finally {
      await listener.unlisten();
    }
  });

  it('reports messages another conversation recorded as duplicates with their own message id, and inserts only the new ones', async () => {
    const record = recordInboundBatchActivity(db.db);
    const earlierConversation = randomUUID();
    const conversationId = randomUUID();
    const first = [sms('a'), sms('b')];
    const before = await record(batchInput(earlierConversation, first));
    const later = sms('c');
    const again = await record(batchInput(conversationId, [first[1]!, later, first[0]!]));
    expect(again.map((r) => [r.referenceId, r.duplicate])).toEqual([
      [first[1]!.referenceId, true],
      [later.referenceId, false],
      [first[0]!.referenceId, true],
    ]);
    expect(again[0]!.messageId).toBe(before[1]!.messageId);
    expect(again[2]!.messageId).toBe(before[0]!.messageId);
    const [n] = await db.sql`
      select count(*)::int as n from messages where conversation_id in (${conversationId}, ${earlierConversation})`;
    expect(n!.n).toBe(3);
  });

  it('a batch retried after its result was lost inserts nothing and reports its messages as new, to be applied', async () => {
    // The workflow asks only for messages it has not applied: a row of the same conversation was written by an
    // attempt whose answer never reached the history (a workflow task that timed out after running the activity).
    const record = recordInboundBatchActivity(db.db);
    const conversationId = randomUUID();
    const batch = [sms('x'), sms('y')];
    const lost = await record(batchInput(conversationId, batch));
    const out = await record(batchInput(conversationId, batch));
    expect(out.map((r) => [r.referenceId, r.messageId, r.duplicate])).toEqual(
      lost.map((r) => [r.referenceId, r.messageId, false]),
    );
    const [n] = await db.sql`select count(*)::int as n from messages where conversation_id = ${conversationId}`;
    expect(n!.n).toBe(2);
  });
});

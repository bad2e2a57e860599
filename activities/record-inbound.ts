import { eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { audienceOf, publishConversationEvent } from '../db/events.js';
import { EVENTS_CHANNEL } from '../db/publish-event.js';
import { conversations, events, messages } from '../db/schema/index.js';
import { analyzeSms } from '../domain/sms-segments.js';
import type { InboundSms } from '../workflows/definitions.js';

export type RecordInboundInput = {
  conversationId: string;
  workflowId: string;
  runId: string;
  accountId: string;
  supportNumber: string;
  customerNumber: string;
  sms: InboundSms;
  channel: { workstreamId: string; channelId: string; language: string } | null;
};

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type ConversationKey = Omit<RecordInboundInput, 'sms'>;

/**
 * Creates the conversation's read-model row on its first message; later messages move its last customer message
 * time (to `lastSeen`) and its run id.
 */
function upsertConversation(tx: Tx, input: ConversationKey, receivedAt: Date, lastSeen: Date | SQL) {
  return tx
    .insert(conversations)
    .values({
      id: input.conversationId,
      workflowId: input.workflowId,
      runId: input.runId,
      accountId: input.accountId,
      customerNumber: input.customerNumber,
      supportNumber: input.supportNumber,
      lastCustomerMessageAt: receivedAt,
      ...(input.channel
        ? {
            workstreamId: input.channel.workstreamId,
            channelId: input.channel.channelId,
            language: input.channel.language,
          }
        : {}),
    })
    .onConflictDoUpdate({
      target: conversations.id,
      set: { lastCustomerMessageAt: lastSeen, updatedAt: sql`now()`, runId: input.runId },
    });
}

/** The transcript row of one customer message, stamped with the time TeleSign received it. */
function inboundMessage(conversationId: string, sms: InboundSms) {
  const analysis = analyzeSms(sms.text);
  return {
    id: sql`gen_random_uuid()`,
    conversationId,
    direction: 'inbound' as const,
    text: sms.text,
    status: 'received' as const,
    providerReferenceId: sms.referenceId,
    segments: analysis.segments,
    encoding: analysis.encoding,
    flags: sms.flags ?? {},
    createdAt: new Date(sms.receivedAt),
  };
}

/**
 * Writes the customer's message and, for a new conversation, its read-model row. Idempotent: TeleSign's reference
 * id is unique across messages, so a retried activity, a re-delivered inbox row or a later run can never add the
 * message twice (`duplicate` tells the workflow to ignore it, and no empty conversation is created for it).
 *
 * A row this same conversation already wrote is not a duplicate: the workflow asks only for messages it has not
 * applied, so that row comes from an attempt whose result never reached the history (a local activity retried, or
 * a workflow task that timed out or failed after running it) and the workflow must still apply the message.
 */
export function recordInboundActivity(db: Db) {
  return async function recordInbound(
    input: RecordInboundInput,
  ): Promise<{ duplicate: boolean; messageId: string; referenceId: string }> {
    const { sms } = input;
    return db.transaction(async (tx) => {
      const [seen] = await tx
        .select({ id: messages.id, conversationId: messages.conversationId })
        .from(messages)
        .where(eq(messages.providerReferenceId, sms.referenceId));
      if (seen) {
        return {
          duplicate: seen.conversationId !== input.conversationId,
          messageId: seen.id,
          referenceId: sms.referenceId,
        };
      }
      const receivedAt = new Date(sms.receivedAt);
      await upsertConversation(tx, input, receivedAt, receivedAt);
      const [inserted] = await tx
        .insert(messages)
        .values(inboundMessage(input.conversationId, sms))
        .returning({ id: messages.id });
      await publishConversationEvent(tx, {
        type: 'message.created',
        conversationId: input.conversationId,
        data: { conversationId: input.conversationId, messageId: inserted!.id, direction: 'inbound' },
      });
      return { duplicate: false, messageId: inserted!.id, referenceId: sms.referenceId };
    });
  };
}

/**
 * The message.created events of a recorded batch, appended and notified in one statement (NOTIFY is delivered on
 * commit, so a listener never sees an id whose row is not yet visible); one round trip per batch instead of two.
 */
async function publishInboundEvents(tx: Tx, conversationId: string, agentIds: string[], messageIds: string[]) {
  if (!messageIds.length) return;
  const datas = messageIds.map((messageId) => ({ conversationId, messageId, direction: 'inbound' }));
  await tx.execute(sql`
    with appended as (
      insert into ${events} (type, conversation_id, agent_ids, data)
      select 'message.created', ${conversationId}::uuid, ${JSON.stringify(agentIds)}::jsonb, d.value
      from jsonb_array_elements(${JSON.stringify(datas)}::jsonb) with ordinality as d(value, n)
      order by d.n
      returning id
    )
    select pg_notify(${EVENTS_CHANNEL}, id::text) from appended order by id`);
}

export type RecordInboundBatchInput = Omit<RecordInboundInput, 'sms'> & { messages: InboundSms[] };

/** One entry per input message, in input order: the workflow checks the reference ids against what it sent. */
export type RecordedInbound = { referenceId: string; messageId: string; duplicate: boolean };

/**
 * Records a batch of customer messages (the workflow's pending inbound, in inbox order) in one transaction: one
 * multi-row INSERT … ON CONFLICT (provider_reference_id) DO NOTHING, then the ids of those already present, so a
 * flood costs one round of statements per workflow task instead of one transaction per message. Idempotent like
 * recordInbound: a retried batch inserts nothing, and reports as duplicates only the messages another conversation
 * recorded (rows of this conversation come from an attempt whose result was lost: the workflow applies them).
 */
export function recordInboundBatchActivity(db: Db) {
  return async function recordInboundBatch(input: RecordInboundBatchInput): Promise<RecordedInbound[]> {
    const batch = input.messages;
    if (batch.length === 0) return [];
    const refs = batch.map((m) => m.referenceId);
    if (new Set(refs).size !== refs.length) throw new Error('recordInboundBatch: a reference id appears twice');
    const latest = Math.max(...batch.map((m) => Date.parse(m.receivedAt)));
    return db.transaction(async (tx) => {
      const receivedAt = new Date(latest);
      // A batch may be older than a message already recorded: the latest customer message time only moves forward.
      const latestSeen = sql`greatest(${conversations.lastCustomerMessageAt}, ${receivedAt.toISOString()}::timestamptz)`;
      // Its owner and offered agent come back with the upsert: the events' audience without another query.
      const [parties] = await upsertConversation(tx, input, receivedAt, latestSeen).returning({
        agentId: conversations.agentId,
        offeredAgentId: conversations.offeredAgentId,
      });
      // Rows are inserted in the order given, so `seq` follows inbox order.
      const inserted = await tx
        .insert(messages)
        .values(batch.map((sms) => inboundMessage(input.conversationId, sms)))
        .onConflictDoNothing({ target: messages.providerReferenceId })
        .returning({ id: messages.id, ref: messages.providerReferenceId });
      const fresh = new Map(inserted.map((r) => [r.ref!, r.id]));
      const missing = refs.filter((r) => !fresh.has(r));
      const present = missing.length
        ? await tx
            .select({ id: messages.id, ref: messages.providerReferenceId, conversationId: messages.conversationId })
            .from(messages)
            .where(inArray(messages.providerReferenceId, missing))
        : [];
      const old = new Map(present.map((r) => [r.ref!, r]));
      await publishInboundEvents(
        tx,
        input.conversationId,
        parties ? await audienceOf(tx, { conversationId: input.conversationId, parties }) : [],
        refs.filter((r) => fresh.has(r)).map((r) => fresh.get(r)!),
      );
      return refs.map((referenceId) => {
        const id = fresh.get(referenceId);
        if (id) return { referenceId, messageId: id, duplicate: false };
        const prior = old.get(referenceId);
        // Conflict on the unique index but no row: only possible if it was deleted concurrently; retry the batch.
        if (!prior) throw new Error(`recordInboundBatch: ${referenceId} neither inserted nor present`);
        return { referenceId, messageId: prior.id, duplicate: prior.conversationId !== input.conversationId };
      });
    });
  };
}

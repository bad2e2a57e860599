import { ApplicationFailure } from '@temporalio/activity';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Config } from '../config/env.js';
import type { Db } from '../db/client.js';
import { publishEvent } from '../db/publish-event.js';
import { conversations, messages, messagingAccounts, queues, smsChannels, users } from '../db/schema/index.js';
import { renderAutomatedMessage } from '../domain/automated-messages.js';
import { analyzeSms } from '../domain/sms-segments.js';
import { providerAllowlistFromConfig } from '../lib/egress-allowlist.js';
import { metrics } from '../lib/metrics.js';
import { decryptSecret, keyringFromConfig } from '../lib/secrets.js';
import { createTelesignClient, TelesignError } from '../telesign/rest-client.js';
import { classifyStatus } from '../telesign/status-codes.js';
import { FailureTypes } from '../workflows/definitions.js';
import { isOptedOut } from './consent.js';

export type OutboundDirection = 'outbound' | 'automated' | 'bot';

export type QueueOutboundInput = {
  messageId: string;
  conversationId: string;
  direction: OutboundDirection | 'note';
  text: string;
  agentId: string | null;
};

export type DeliverInput = {
  messageId: string;
  accountId: string;
  supportNumber: string;
  customerNumber: string;
  /** Only the opt-out confirmation itself may reach an opted-out customer. */
  bypassOptOut?: boolean;
};

export type DeliverResult = { status: 'sent' | 'delivered' | 'failed' | 'blocked'; referenceId: string | null };

type OutboundDeps = {
  db: Db;
  config: Pick<
    Config,
    'TELESIGN_BASE_URL' | 'TELESIGN_ALLOWED_HOSTS' | 'ENCRYPTION_KEY' | 'ENCRYPTION_KEY_ID' | 'ENCRYPTION_OLD_KEYS'
  >;
};

/** Statuses after TeleSign got the message (or it was refused for good): never hand it over again. */
const HANDED_OVER = ['sent', 'delivered', 'failed', 'blocked'] as const;

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Must run on the caller's transaction: a second pool connection inside a transaction can deadlock the pool. */
async function ownerOf(tx: Tx, conversationId: string): Promise<string[]> {
  const [c] = await tx
    .select({ agentId: conversations.agentId })
    .from(conversations)
    .where(eq(conversations.id, conversationId));
  return c?.agentId ? [c.agentId] : [];
}

/**
 * Outbound SMS in two steps: `queueOutbound` writes the message as queued (so the agent's API call can answer at
 * once), then `deliverOutbound` calls TeleSign under the workflow's retry policy. The message id is the idempotency
 * key: it is our primary key and TeleSign's external_id, so a DLR can find the message even before the send
 * activity has recorded TeleSign's reference id.
 */
export function outboundActivities(deps: OutboundDeps) {
  const { db } = deps;
  const keyring = keyringFromConfig(deps.config);
  // Checked by the client before each send: a host dropped from the allowlist stops receiving the key (final error).
  const allowlist = providerAllowlistFromConfig(deps.config);

  async function setStatus(
    messageId: string,
    conversationId: string,
    patch: Partial<typeof messages.$inferInsert>,
    onlyFrom?: readonly string[],
  ) {
    await db.transaction(async (tx) => {
      const where = onlyFrom
        ? and(eq(messages.id, messageId), inArray(messages.status, onlyFrom as never[]))
        : eq(messages.id, messageId);
      const [row] = await tx
        .update(messages)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(where)
        .returning({ status: messages.status, code: messages.providerStatusCode });
      if (!row) return;
      await publishEvent(tx, {
        type: 'message.status',
        conversationId,
        agentIds: await ownerOf(tx, conversationId),
        data: { conversationId, messageId, status: row.status, providerStatusCode: row.code },
      });
    });
  }

  async function queueOutbound(input: QueueOutboundInput): Promise<void> {
    const sms = analyzeSms(input.text);
    await db.transaction(async (tx) => {
      const inserted = await tx
        .insert(messages)
        .values({
          id: input.messageId,
          conversationId: input.conversationId,
          direction: input.direction,
          text: input.text,
          // Notes never leave smsdesk: they are recorded, not queued.
          status: input.direction === 'note' ? 'received' : 'queued',
          segments: sms.segments,
          encoding: sms.encoding,
          agentId: input.agentId,
        })
        .onConflictDoNothing({ target: messages.id })
        .returning({ id: messages.id });
      if (!inserted.length) return;
      await tx.update(conversations).set({ updatedAt: sql`now()` }).where(eq(conversations.id, input.conversationId));
      await publishEvent(tx, {
        type: 'message.created',
        conversationId: input.conversationId,
        agentIds: await ownerOf(tx, input.conversationId),
        data: { conversationId: input.conversationId, messageId: input.messageId, direction: input.direction },
      });
    });
  }

  /**
   * An automated message for a trigger, rendered here (not in the workflow) because {AgentName} and {QueueName}
   * need lookups; the channel's language and overrides apply. Returns false when the trigger has no text.
   */
  async function queueAutomated(input: {
    messageId: string;
    conversationId: string;
    trigger: string;
    channelId: string | null;
    agentId: string | null;
    queueId: string | null;
  }): Promise<boolean> {
    const [channel, agent, queue] = await Promise.all([
      input.channelId ? db.query.smsChannels.findFirst({ where: eq(smsChannels.id, input.channelId) }) : undefined,
      input.agentId
        ? db.query.users.findFirst({ where: eq(users.id, input.agentId), columns: { name: true } })
        : undefined,
      input.queueId
        ? db.query.queues.findFirst({ where: eq(queues.id, input.queueId), columns: { name: true } })
        : undefined,
    ]);
    const text = renderAutomatedMessage(input.trigger, channel?.language ?? 'en', channel?.automatedMessages ?? {}, {
      AgentName: agent?.name,
      QueueName: queue?.name,
    });
    if (!text) return false;
    await queueOutbound({
      messageId: input.messageId,
      conversationId: input.conversationId,
      direction: 'automated',
      text,
      agentId: null,
    });
    return true;
  }

  async function deliverOutbound(input: DeliverInput): Promise<DeliverResult> {
    const msg = await db.query.messages.findFirst({ where: eq(messages.id, input.messageId) });
    if (!msg) throw ApplicationFailure.nonRetryable(`message ${input.messageId} does not exist`, FailureTypes.Invalid);
    if ((HANDED_OVER as readonly string[]).includes(msg.status)) {
      // Already handed to TeleSign by an earlier attempt whose completion was lost: never send twice.
      return { status: msg.status as DeliverResult['status'], referenceId: msg.providerReferenceId };
    }
    if (!input.bypassOptOut && (await isOptedOut(db, input.supportNumber, input.customerNumber))) {
      await setStatus(msg.id, msg.conversationId, { status: 'blocked', error: 'opted_out' }, ['queued']);
      metrics.sends.inc({ outcome: 'blocked', code: 'opted_out' });
      throw ApplicationFailure.create({ message: 'opted_out', type: FailureTypes.OptedOut, nonRetryable: true });
    }
    const account = await db.query.messagingAccounts.findFirst({ where: eq(messagingAccounts.id, input.accountId) });
    if (!account) {
      throw ApplicationFailure.nonRetryable(
        `messaging account ${input.accountId} is gone`,
        FailureTypes.FinalSendError,
      );
    }
    const client = createTelesignClient({
      baseUrl: account.restEndpoint ?? deps.config.TELESIGN_BASE_URL,
      allowlist,
      customerId: account.customerId,
      apiKey: decryptSecret(account.apiKeyCiphertext, keyring),
    });
    await db
      .update(messages)
      .set({ attempts: sql`${messages.attempts} + 1` })
      .where(eq(messages.id, msg.id));
    try {
      const res = await client.sendSms({
        phoneNumber: input.customerNumber,
        message: msg.text,
        messageType: 'ARN',
        senderId: input.supportNumber,
        externalId: msg.id,
      });
      const cls = classifyStatus(res.statusCode);
      // Only move forward from queued: a fast DLR may already have set delivered.
      await setStatus(
        msg.id,
        msg.conversationId,
        {
          status: cls.status === 'delivered' ? 'delivered' : 'sent',
          providerStatusCode: res.statusCode,
          providerStatusText: res.statusDescription,
          error: null,
        },
        ['queued'],
      );
      await db
        .update(messages)
        .set({ providerReferenceId: res.referenceId })
        .where(and(eq(messages.id, msg.id), sql`${messages.providerReferenceId} is null`));
      metrics.sends.inc({ outcome: 'accepted', code: String(res.statusCode) });
      return { status: 'sent', referenceId: res.referenceId };
    } catch (err) {
      if (!(err instanceof TelesignError)) throw err;
      metrics.sends.inc({
        outcome: err.retryable ? 'retry' : 'final_error',
        code: String(err.statusCode ?? err.httpStatus ?? err.kind),
      });
      if (err.retryable) {
        await db.update(messages).set({ error: err.message }).where(eq(messages.id, msg.id));
        throw err;
      }
      await setStatus(
        msg.id,
        msg.conversationId,
        {
          status: err.kind === 'blocked' ? 'blocked' : 'failed',
          providerStatusCode: err.statusCode,
          providerStatusText: err.description,
          error: err.message,
        },
        ['queued'],
      );
      throw ApplicationFailure.create({
        message: err.message,
        type: FailureTypes.FinalSendError,
        nonRetryable: true,
        details: [{ statusCode: err.statusCode, httpStatus: err.httpStatus, kind: err.kind }],
      });
    }
  }

  /** Retries exhausted (TeleSign kept failing): the failure is final and visible to the agent. */
  async function markSendFailed(input: { messageId: string; conversationId: string; error: string }): Promise<void> {
    await setStatus(input.messageId, input.conversationId, { status: 'failed', error: input.error }, ['queued']);
  }

  return { queueOutbound, queueAutomated, deliverOutbound, markSendFailed };
}

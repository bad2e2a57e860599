import { ApplicationFailure, Context } from '@temporalio/activity';
import { eq, sql } from 'drizzle-orm';
import type { Config } from '../config/env.js';
import type { Db } from '../db/client.js';
import { publishConversationEvent } from '../db/events.js';
import { isOptedOut } from '../db/repositories/consent.js';
import {
  countSendAttempt,
  fillReferenceId,
  findMessage,
  insertOutgoing,
  noteSendError,
  settleAccepted,
  settleSend,
} from '../db/repositories/messages.js';
import { conversations, type messages, messagingAccounts, queues, smsChannels, users } from '../db/schema/index.js';
import { renderAutomatedMessage } from '../domain/automated-messages.js';
import { isHandedOver, type ReportedStatus, statusOnAcceptance, statusOnRefusal } from '../domain/message-status.js';
import { analyzeSms } from '../domain/sms-segments.js';
import type { MessageDirection } from '../domain/vocabulary.js';
import { providerAllowlistFromConfig } from '../lib/egress-allowlist.js';
import { metrics } from '../lib/metrics.js';
import { decryptSecret, keyringFromConfig } from '../lib/secrets.js';
import { createTelesignClient, type TelesignClient, TelesignError } from '../telesign/rest-client.js';
import { classifyStatus } from '../telesign/status-codes.js';
import { FailureTypes } from '../workflows/definitions.js';

export type OutboundDirection = Extract<MessageDirection, 'outbound' | 'automated' | 'bot'>;

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

export type DeliverResult = { status: ReportedStatus; referenceId: string | null };

type OutboundDeps = {
  db: Db;
  config: Pick<
    Config,
    'TELESIGN_BASE_URL' | 'TELESIGN_ALLOWED_HOSTS' | 'ENCRYPTION_KEY' | 'ENCRYPTION_KEY_ID' | 'ENCRYPTION_OLD_KEYS'
  >;
  /** How TeleSign's answer is written when Postgres fails right after it (tests shorten it). */
  recordRetry?: { attempts: number; firstDelayMs: number };
};

/** What TeleSign answered, kept as heartbeat details so a retried attempt records it instead of sending again. */
type Accepted = { referenceId: string; statusCode: number; statusDescription: string };

/** About 15 s in all: within the activity's 30 s start-to-close even after a 10 s TeleSign call. */
const RECORD_RETRY = { attempts: 7, firstDelayMs: 250 };

function heartbeatAccepted(a: Accepted): void {
  try {
    Context.current().heartbeat(a);
  } catch {
    // Not inside an activity (direct calls in tests): the look-up by external_id still covers a retry.
  }
}

function acceptedFromHeartbeat(): Accepted | null {
  try {
    const d = Context.current().info.heartbeatDetails as Partial<Accepted> | undefined;
    return d && typeof d.referenceId === 'string' && typeof d.statusCode === 'number' ? (d as Accepted) : null;
  } catch {
    return null;
  }
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

  /** Settles a message still awaiting its send and tells the conversation's audience (db/events.ts). */
  async function setStatus(messageId: string, conversationId: string, patch: Partial<typeof messages.$inferInsert>) {
    await db.transaction(async (tx) => {
      const row = await settleSend(tx, messageId, patch);
      if (!row) return;
      await publishConversationEvent(tx, {
        type: 'message.status',
        conversationId,
        data: { conversationId, messageId, status: row.status, providerStatusCode: row.code },
      });
    });
  }

  async function queueOutbound(input: QueueOutboundInput): Promise<void> {
    const sms = analyzeSms(input.text);
    await db.transaction(async (tx) => {
      const inserted = await insertOutgoing(tx, {
        id: input.messageId,
        conversationId: input.conversationId,
        direction: input.direction,
        text: input.text,
        // Notes never leave smsdesk: they are recorded, not queued.
        status: input.direction === 'note' ? 'received' : 'queued',
        segments: sms.segments,
        encoding: sms.encoding,
        agentId: input.agentId,
      });
      if (!inserted) return;
      await tx.update(conversations).set({ updatedAt: sql`now()` }).where(eq(conversations.id, input.conversationId));
      await publishConversationEvent(tx, {
        type: 'message.created',
        conversationId: input.conversationId,
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

  /**
   * Writes TeleSign's acceptance (status and reference id, one transaction) with its own retry loop, so a Postgres
   * error after TeleSign's 200 retries the write, not the send. Only moves forward from queued: a fast DLR may have
   * set delivered already (then only the reference id is filled in).
   */
  async function recordAccepted(messageId: string, conversationId: string, a: Accepted): Promise<void> {
    const { attempts, firstDelayMs } = deps.recordRetry ?? RECORD_RETRY;
    const cls = classifyStatus(a.statusCode);
    for (let attempt = 1; ; attempt++) {
      try {
        await db.transaction(async (tx) => {
          const row = await settleAccepted(tx, messageId, {
            status: statusOnAcceptance(cls),
            statusCode: a.statusCode,
            description: a.statusDescription,
            referenceId: a.referenceId,
          });
          if (!row) {
            await fillReferenceId(tx, messageId, a.referenceId);
            return;
          }
          await publishConversationEvent(tx, {
            type: 'message.status',
            conversationId,
            data: { conversationId, messageId, status: row.status, providerStatusCode: row.code },
          });
        });
        return;
      } catch (err) {
        if (attempt >= attempts) throw err;
        try {
          Context.current().heartbeat(a);
        } catch {
          // outside an activity
        }
        await new Promise((r) => setTimeout(r, Math.min(5000, firstDelayMs * 2 ** (attempt - 1))));
      }
    }
  }

  /**
   * TeleSign's acceptance of an earlier attempt of this message, if there was one: from the heartbeat of the attempt
   * that got the answer, else by asking TeleSign (by reference id when known, otherwise by our external_id). Null when
   * every earlier attempt got a definite answer (`outcomeUnknown` false) or TeleSign has no such message: send. When TeleSign cannot tell (no
   * look-up by external_id), the send goes ahead and is counted as a possible duplicate.
   */
  async function earlierSend(
    client: TelesignClient,
    messageId: string,
    outcomeUnknown: boolean,
    knownReferenceId: string | null,
  ): Promise<Accepted | null> {
    const fromHeartbeat = acceptedFromHeartbeat();
    if (fromHeartbeat) {
      metrics.sendLookups.inc({ by: 'heartbeat', result: 'found' });
      return fromHeartbeat;
    }
    if (knownReferenceId) {
      // A DLR already told us the reference id: TeleSign has it. Ask for its status; a failed look-up changes nothing.
      const st = await client.getStatus(knownReferenceId).catch(() => null);
      metrics.sendLookups.inc({ by: 'reference_id', result: 'found' });
      return {
        referenceId: knownReferenceId,
        statusCode: st?.statusCode ?? 290,
        statusDescription: st?.statusDescription ?? 'Message in progress',
      };
    }
    // A refusal (503, 429) is an answer: that attempt did not hand the message over, so there is nothing to find.
    if (!outcomeUnknown) return null;
    const found = await client.findByExternalId(messageId);
    if (!found.supported) {
      metrics.sendLookups.inc({ by: 'external_id', result: 'unsupported' });
      metrics.sendDuplicates.inc({ kind: 'possible' });
      return null;
    }
    const first = found.messages[0];
    metrics.sendLookups.inc({ by: 'external_id', result: first ? 'found' : 'not_found' });
    if (found.messages.length > 1) metrics.sendDuplicates.inc({ kind: 'confirmed' }, found.messages.length - 1);
    return first
      ? {
          referenceId: first.referenceId,
          statusCode: first.statusCode ?? 290,
          statusDescription: first.statusDescription,
        }
      : null;
  }

  async function deliverOutbound(input: DeliverInput): Promise<DeliverResult> {
    const msg = await findMessage(db, input.messageId);
    if (!msg) throw ApplicationFailure.nonRetryable(`message ${input.messageId} does not exist`, FailureTypes.Invalid);
    if (isHandedOver(msg.status)) {
      // Already handed to TeleSign by an earlier attempt whose completion was lost: never send twice.
      return { status: msg.status, referenceId: msg.providerReferenceId };
    }
    if (!input.bypassOptOut && (await isOptedOut(db, input.supportNumber, input.customerNumber))) {
      await setStatus(msg.id, msg.conversationId, { status: 'blocked', error: 'opted_out' });
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
    // An earlier attempt reached the call and its outcome is unknown (timeout, worker killed, Postgres failing after
    // TeleSign's answer): find out what TeleSign has before sending again.
    const earlier = await earlierSend(client, msg.id, msg.sendOutcomeUnknown, msg.providerReferenceId);
    if (earlier) {
      await recordAccepted(msg.id, msg.conversationId, earlier);
      return { status: 'sent', referenceId: earlier.referenceId };
    }
    // The durable "send attempt" record, written before the call: a retry knows it must look before sending.
    await countSendAttempt(db, msg.id);
    try {
      const res = await client.sendSms({
        phoneNumber: input.customerNumber,
        message: msg.text,
        messageType: 'ARN',
        senderId: input.supportNumber,
        externalId: msg.id,
      });
      const accepted = {
        referenceId: res.referenceId,
        statusCode: res.statusCode,
        statusDescription: res.statusDescription,
      };
      heartbeatAccepted(accepted);
      metrics.sends.inc({ outcome: 'accepted', code: String(res.statusCode) });
      // From here on TeleSign has the message: failures only retry the recording, never the send.
      await recordAccepted(msg.id, msg.conversationId, accepted);
      return { status: 'sent', referenceId: res.referenceId };
    } catch (err) {
      if (!(err instanceof TelesignError)) throw err;
      metrics.sends.inc({
        outcome: err.retryable ? 'retry' : 'final_error',
        code: String(err.statusCode ?? err.httpStatus ?? err.kind),
      });
      if (err.retryable) {
        await noteSendError(db, msg.id, err.message, err.httpStatus === null);
        throw err;
      }
      await setStatus(msg.id, msg.conversationId, {
        status: statusOnRefusal(err.kind === 'blocked'),
        providerStatusCode: err.statusCode,
        providerStatusText: err.description,
        error: err.message,
      });
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
    await setStatus(input.messageId, input.conversationId, { status: 'failed', error: input.error });
  }

  return { queueOutbound, queueAutomated, deliverOutbound, markSendFailed };
}

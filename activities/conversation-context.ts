import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { isOptedOut } from '../db/repositories/consent.js';
import { bots, phoneNumbers, settings, smsChannels, workstreams } from '../db/schema/index.js';

export type WorkstreamSettings = {
  id: string;
  name: string;
  distributionMode: 'push' | 'pick';
  capacityUnits: number;
  defaultQueueId: string;
  offerTimeoutSeconds: number;
  autoAccept: boolean;
  keepSameAgent: boolean;
  blockCapacityForWrapUp: boolean;
  wrapUpMinutes: number;
  autoCloseAfterInactivityMinutes: number;
  reopenWindowMinutes: number;
  openTimeoutMinutes: number;
  allowedPresences: string[];
  skillMatching: 'exact' | 'none';
};

/** Everything the workflow needs to decide, loaded once per run (and again on reopen, so config edits apply). */
export type ConversationContext = {
  channel: {
    id: string;
    language: string;
    automatedMessages: Record<string, string | undefined>;
    /** CSAT over SMS; absent in contexts loaded by older code (no survey). */
    csat?: { enabled: boolean; windowMinutes: number };
    /** The channel's attachment toggles (absent in contexts loaded by older code). */
    attachments?: { customersCanSend: boolean; agentsCanSend: boolean };
  };
  workstream: WorkstreamSettings;
  /** `timeoutMs`: a webhook bot's answer deadline, which bounds its activity's timeout too. */
  bot: { id: string; kind: 'builtin' | 'webhook'; timeoutMs?: number } | null;
  declinesAllowed: number;
  optedOut: boolean;
};

export function conversationContextActivity(db: Db) {
  return async function loadConversationContext(input: {
    accountId: string;
    supportNumber: string;
    customerNumber: string;
  }): Promise<ConversationContext | null> {
    const [row] = await db
      .select({ channel: smsChannels, workstream: workstreams })
      .from(phoneNumbers)
      .innerJoin(smsChannels, eq(smsChannels.phoneNumberId, phoneNumbers.id))
      .innerJoin(workstreams, eq(workstreams.id, smsChannels.workstreamId))
      .where(and(eq(phoneNumbers.number, input.supportNumber), eq(phoneNumbers.accountId, input.accountId)))
      .limit(1);
    if (!row) return null;
    const [bot, org, optedOut] = await Promise.all([
      row.workstream.botId
        ? db.query.bots.findFirst({
            where: eq(bots.id, row.workstream.botId),
            columns: { id: true, kind: true, config: true },
          })
        : Promise.resolve(undefined),
      db.query.settings.findFirst({ where: eq(settings.id, 1) }),
      isOptedOut(db, input.supportNumber, input.customerNumber),
    ]);
    const w = row.workstream;
    return {
      channel: {
        id: row.channel.id,
        language: row.channel.language,
        automatedMessages: row.channel.automatedMessages,
        csat: { enabled: row.channel.csatEnabled, windowMinutes: row.channel.csatWindowMinutes },
        attachments: row.channel.attachments,
      },
      workstream: {
        id: w.id,
        name: w.name,
        distributionMode: w.distributionMode,
        capacityUnits: w.capacityUnits,
        defaultQueueId: w.defaultQueueId,
        offerTimeoutSeconds: w.offerTimeoutSeconds,
        autoAccept: w.autoAccept,
        keepSameAgent: w.keepSameAgent,
        blockCapacityForWrapUp: w.blockCapacityForWrapUp,
        wrapUpMinutes: w.wrapUpMinutes,
        autoCloseAfterInactivityMinutes: w.autoCloseAfterInactivityMinutes,
        reopenWindowMinutes: w.reopenWindowMinutes,
        openTimeoutMinutes: w.openTimeoutMinutes,
        allowedPresences: w.allowedPresences,
        skillMatching: w.skillMatching,
      },
      bot: bot
        ? {
            id: bot.id,
            kind: bot.kind,
            ...(bot.kind === 'webhook' && typeof (bot.config as { timeoutMs?: unknown }).timeoutMs === 'number'
              ? { timeoutMs: (bot.config as { timeoutMs: number }).timeoutMs }
              : {}),
          }
        : null,
      declinesAllowed: org?.declinesAllowed ?? 3,
      optedOut,
    };
  };
}

import type { Config } from '../config/env.js';
import type { Db } from '../db/client.js';
import { admissionActivity } from './admission.js';
import { agentStartActivities } from './agent-start.js';
import { attachmentActivities } from './attachments.js';
import { botActivity } from './bot.js';
import { capacityActivities } from './capacity.js';
import { classifyActivity } from './classify.js';
import { consentActivities } from './consent.js';
import { conversationContextActivity } from './conversation-context.js';
import { recordInboundTurnActivity } from './inbound-turn.js';
import { nudgeActivity } from './nudge.js';
import { outboundActivities } from './outbound.js';
import { readModelActivities } from './read-model.js';
import { recordInboundActivity, recordInboundBatchActivity } from './record-inbound.js';
import { retentionActivities } from './retention.js';
import { serviceLevelActivities } from './service-levels.js';

export type ActivityDeps = {
  db: Db;
  config: Pick<
    Config,
    | 'TELESIGN_BASE_URL'
    | 'TELESIGN_ALLOWED_HOSTS'
    | 'BOT_ALLOWED_HOSTS'
    | 'ENCRYPTION_KEY'
    | 'ENCRYPTION_KEY_ID'
    | 'ENCRYPTION_OLD_KEYS'
    | 'ATTACHMENT_MAX_BYTES'
  >;
};

/**
 * All activities, bound to their dependencies. Workflows import only the *type* of this object
 * (`proxyActivities<Activities>`), never the implementations.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    loadConversationContext: conversationContextActivity(deps.db),
    recordInbound: recordInboundActivity(deps.db),
    recordInboundBatch: recordInboundBatchActivity(deps.db),
    recordInboundTurn: recordInboundTurnActivity(deps.db),
    classify: classifyActivity(deps.db),
    admitToQueue: admissionActivity(deps.db),
    nudgeQueues: nudgeActivity(deps.db),
    runBot: botActivity(deps),
    ...readModelActivities(deps.db),
    ...capacityActivities(deps.db),
    ...outboundActivities(deps),
    ...consentActivities(deps.db),
    ...retentionActivities(deps.db),
    ...serviceLevelActivities(deps.db),
    ...agentStartActivities(deps.db),
    ...attachmentActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

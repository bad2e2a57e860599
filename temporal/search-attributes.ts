import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Typed search attributes operators filter by in the Temporal UI; registered by dev/start and the compose setup. */
export const CustomerNumberKey = defineSearchAttributeKey('CustomerNumber', SearchAttributeType.KEYWORD);
export const SupportNumberKey = defineSearchAttributeKey('SupportNumber', SearchAttributeType.KEYWORD);
export const ConversationStateKey = defineSearchAttributeKey('ConversationState', SearchAttributeType.KEYWORD);
export const QueueIdKey = defineSearchAttributeKey('QueueId', SearchAttributeType.KEYWORD);
export const AgentIdKey = defineSearchAttributeKey('AgentId', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [CustomerNumberKey, SupportNumberKey, ConversationStateKey, QueueIdKey, AgentIdKey];

import { eq, or, type SQL, sql } from 'drizzle-orm';
import { conversations, queueMembers } from '../../../db/schema/index.js';
import type { AuthUser } from '../../deps.js';

/**
 * Which conversations an agent may look back on in the workspace (customer history, search): those assigned or
 * offered to them and those of their queues. Supervisors and admins see every conversation (undefined: no filter).
 * Acting on a conversation stays with its owner (conversation-actions); this only widens what can be read.
 */
export function workspaceVisibility(user: AuthUser): SQL | undefined {
  if (user.role !== 'agent') return undefined;
  return or(
    eq(conversations.agentId, user.id),
    eq(conversations.offeredAgentId, user.id),
    sql`${conversations.queueId} in (select ${queueMembers.queueId} from ${queueMembers} where ${queueMembers.userId} = ${user.id})`,
  );
}

/** SQL LIKE pattern matching `s` literally as a substring (or a prefix with `prefixOnly`). */
export function likePattern(s: string, prefixOnly = false): string {
  const escaped = s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  return prefixOnly ? `${escaped}%` : `%${escaped}%`;
}

/** Lower-cases with ICU in SQL, whatever the database locale (Cyrillic folds like Latin; docs/search.md). */
export const icuLower = (value: SQL | typeof conversations.customerNumber) =>
  sql`lower((${value}) collate "und-x-icu")`;

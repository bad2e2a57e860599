import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { conversations, queueMembers, workstreams } from '../../../db/schema/index.js';
import type { AuthUser } from '../../deps.js';
import { conversationProblem } from '../../workflow-errors.js';

export type ConversationRow = typeof conversations.$inferSelect;

export const isStaff = (user: AuthUser) => user.role === 'supervisor' || user.role === 'admin';

export async function queueIdsOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .select({ queueId: queueMembers.queueId })
    .from(queueMembers)
    .where(eq(queueMembers.userId, userId));
  return rows.map((r) => r.queueId);
}

/** Open, unassigned, in a pick-mode workstream, in one of the agent's queues: the agent may look before picking. */
export async function inPickBacklogOf(db: Db, userId: string, conv: ConversationRow): Promise<boolean> {
  if (conv.state !== 'open' || conv.agentId || !conv.queueId || !conv.workstreamId) return false;
  const [row] = await db
    .select({ ok: queueMembers.userId })
    .from(queueMembers)
    .innerJoin(workstreams, eq(workstreams.id, conv.workstreamId))
    .where(
      and(
        eq(queueMembers.queueId, conv.queueId),
        eq(queueMembers.userId, userId),
        eq(workstreams.distributionMode, 'pick'),
      ),
    )
    .limit(1);
  return !!row;
}

/**
 * May this user see the conversation at all? Staff see everything; an agent sees what is assigned or offered to them
 * and their pick backlog. A conversation an agent may not see answers exactly like an unknown id (404), before any
 * state check, so its existence and state are not disclosed.
 */
export async function visibleTo(db: Db, user: AuthUser, conv: ConversationRow): Promise<boolean> {
  if (isStaff(user) || conv.agentId === user.id || conv.offeredAgentId === user.id) return true;
  return inPickBacklogOf(db, user.id, conv);
}

/** The conversation if it exists and the user may see it; otherwise the same 404 as for an unknown id. */
export async function loadReadableConversation(db: Db, user: AuthUser, id: string): Promise<ConversationRow> {
  const conv = await db.query.conversations.findFirst({ where: eq(conversations.id, id) });
  if (!conv || !(await visibleTo(db, user, conv))) throw conversationProblem.notFound(id);
  return conv;
}

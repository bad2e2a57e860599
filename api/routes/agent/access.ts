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
 * 404 for an unknown id, 403 when an agent asks for a conversation that is neither theirs, offered to them, nor in
 * their pick backlog. Supervisors and admins see everything.
 */
export async function loadReadableConversation(db: Db, user: AuthUser, id: string): Promise<ConversationRow> {
  const conv = await db.query.conversations.findFirst({ where: eq(conversations.id, id) });
  if (!conv) throw conversationProblem.notFound(id);
  if (isStaff(user) || conv.agentId === user.id || conv.offeredAgentId === user.id) return conv;
  if (await inPickBacklogOf(db, user.id, conv)) return conv;
  throw conversationProblem.forbidden(`conversation ${id} is not assigned or offered to you`);
}

import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { queueMembers, users, workstreams } from '../../../db/schema/index.js';
import { ProblemError } from '../../../lib/problem.js';
import type { AuthUser } from '../../deps.js';
import type { ConversationRow } from '../conversations/access.js';
import { isStaff } from '../conversations/access.js';

/** Why an agent may not transfer to the chosen agent; the problem body carries it as `reason`. */
export type TransferRefusal = 'self' | 'unknown_agent' | 'not_queue_member' | 'presence_not_allowed' | 'no_capacity';

const refuse = (status: 409 | 422, reason: TransferRefusal, message: string) =>
  new ProblemError(status, `agentId: ${message}`, [{ path: 'agentId', message }], { reason });

/**
 * Transfer to an agent, D365-style: an agent may hand a conversation only to a member of the conversation's current
 * queue who is in one of the workstream's allowed presences and has the capacity it needs; the target then gets an
 * offer (workflows: transfer handler). Supervisors and admins may hand it to anyone, directly, like assign.
 * Checked here for a precise answer; the workflow re-checks atomically when it reserves the target's capacity.
 */
export async function checkTransferTarget(db: Db, user: AuthUser, conv: ConversationRow, agentId: string) {
  if (isStaff(user)) return;
  if (agentId === user.id) throw refuse(422, 'self', 'is you; choose another agent');
  const [target] = await db
    .select({ presence: users.presence, capacity: users.capacity, used: users.capacityUsed })
    .from(users)
    .where(eq(users.id, agentId));
  if (!target) throw refuse(422, 'unknown_agent', `no agent with id ${agentId}`);
  const member = conv.queueId
    ? await db
        .select({ one: queueMembers.userId })
        .from(queueMembers)
        .where(and(eq(queueMembers.queueId, conv.queueId), eq(queueMembers.userId, agentId)))
        .limit(1)
    : [];
  if (member.length === 0) throw refuse(422, 'not_queue_member', 'is not a member of the conversation’s queue');
  const ws = conv.workstreamId
    ? await db.query.workstreams.findFirst({
        where: eq(workstreams.id, conv.workstreamId),
        columns: { allowedPresences: true, capacityUnits: true },
      })
    : undefined;
  const allowed: string[] = ws?.allowedPresences ?? ['available', 'busy'];
  if (!allowed.includes(target.presence)) {
    throw refuse(
      409,
      'presence_not_allowed',
      `is ${target.presence}; the workstream offers work only to ${allowed.join(', ')}`,
    );
  }
  const units = ws?.capacityUnits ?? 1;
  if (target.capacity - target.used < units) {
    throw refuse(
      409,
      'no_capacity',
      `has no free capacity (needs ${units}, has ${Math.max(target.capacity - target.used, 0)})`,
    );
  }
}

import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { queueMembers, workstreams } from '../db/schema/index.js';
import { allowedActions, type ConversationAction } from '../domain/conversation-actions.js';
import type { AuthUser } from './deps.js';

type Row = {
  id: string;
  state: Parameters<typeof allowedActions>[0]['state'];
  agentId: string | null;
  offeredAgentId: string | null;
  withBot: boolean;
  queueId: string | null;
  workstreamId: string | null;
};

/** The viewer: the signed-in user the conversations are served to. */
export type Viewer = Pick<AuthUser, 'id' | 'role'>;

/**
 * allowedActions for a batch of conversations, with two queries for the whole batch (workstream modes, and the
 * viewer's queues for the pick backlog), however many rows there are.
 */
export async function allowedActionsFor(
  db: Db,
  viewer: Viewer,
  rows: (Row & { optedOut: boolean })[],
): Promise<Map<string, ConversationAction[]>> {
  const wsIds = [...new Set(rows.map((r) => r.workstreamId).filter((x): x is string => !!x))];
  const [modes, memberOf] = await Promise.all([
    wsIds.length
      ? db
          .select({ id: workstreams.id, mode: workstreams.distributionMode })
          .from(workstreams)
          .where(inArray(workstreams.id, wsIds))
      : Promise.resolve([]),
    db.select({ queueId: queueMembers.queueId }).from(queueMembers).where(eq(queueMembers.userId, viewer.id)),
  ]);
  const modeOf = new Map(modes.map((m) => [m.id, m.mode]));
  const queues = new Set(memberOf.map((q) => q.queueId));
  const actor = { userId: viewer.id, role: viewer.role };
  return new Map(
    rows.map((r) => {
      const distributionMode = (r.workstreamId && modeOf.get(r.workstreamId)) || 'push';
      const inPickBacklog =
        r.state === 'open' && !r.agentId && distributionMode === 'pick' && !!r.queueId && queues.has(r.queueId);
      return [r.id, allowedActions({ ...r, distributionMode, inPickBacklog }, actor)];
    }),
  );
}

import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { conversations, workstreams } from '../db/schema/index.js';
import { agentsAvailableSignal } from '../workflows/definitions.js';

type Presence = 'available' | 'busy' | 'busy_dnd' | 'away' | 'offline';

/**
 * Capacity or presence freed an agent: signal `agentsAvailable` to the conversations waiting longest in the agent's
 * queues (open, unassigned, not offered, not held for hours; by priority, then FIFO by the customer's last message,
 * docs/domain.md, "The conversation model"), at most `limit` of them.
 * Each workflow then runs its own assignment. Called by the presence route and the capacity-release activity.
 * `presence` (optional) skips workstreams that do not route to agents in that presence.
 */
export async function nudgeWaitingConversations(input: {
  db: Db;
  temporal: Client;
  queueIds: string[];
  limit: number;
  presence?: Presence;
}): Promise<{ signalled: string[]; failed: { id: string; error: string }[] }> {
  const { db, temporal, queueIds, limit, presence } = input;
  if (!queueIds.length || limit <= 0) return { signalled: [], failed: [] };
  const rows = await db
    .select({ id: conversations.id, workflowId: conversations.workflowId })
    .from(conversations)
    .leftJoin(workstreams, eq(workstreams.id, conversations.workstreamId))
    .where(
      and(
        inArray(conversations.queueId, queueIds),
        eq(conversations.state, 'open'),
        isNull(conversations.agentId),
        isNull(conversations.offeredAgentId),
        eq(conversations.withBot, false),
        // Held for operating hours: its own timer wakes it at the opening.
        or(isNull(conversations.heldUntil), lte(conversations.heldUntil, sql`now()`)),
        presence
          ? sql`coalesce(${workstreams.allowedPresences} @> ${JSON.stringify([presence])}::jsonb, true)`
          : undefined,
      ),
    )
    // Best-ranked first (activities/distribution-order.ts): priority, then the longest wait since the last message.
    .orderBy(
      asc(conversations.priority),
      asc(sql`coalesce(${conversations.lastCustomerMessageAt}, ${conversations.createdAt})`),
      asc(conversations.id),
    )
    .limit(limit);
  const signalled: string[] = [];
  const failed: { id: string; error: string }[] = [];
  await Promise.all(
    rows.map(async (row) => {
      try {
        // By workflow id only: the signal reaches the current run even after continue-as-new.
        await temporal.workflow.getHandle(row.workflowId).signal(agentsAvailableSignal);
        signalled.push(row.id);
      } catch (err) {
        // A run that ended meanwhile has nobody to assign; other failures wait for the next trigger (a later
        // presence change, capacity release or inbound message), so they are reported, not thrown.
        if (!(err instanceof WorkflowNotFoundError)) failed.push({ id: row.id, error: String(err) });
      }
    }),
  );
  return { signalled, failed };
}

import { z } from '@hono/zod-openapi';
import { and, asc, eq, ne } from 'drizzle-orm';
import { queueMembers, queues, users, workstreams } from '../../../db/schema/index.js';
import { PRESENCES } from '../../../domain/vocabulary.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import { protectedRoute } from '../../route-contract.js';
import { isStaff, loadReadableConversation } from '../conversations/access.js';
import { ConversationIdParam, problemsOf } from '../conversations/conversations.schemas.js';

/**
 * GET /conversations/{id}/transfer-targets: where the caller may transfer this conversation, so the workspace offers
 * only choices the transfer will accept. Agents: any queue, and the members of the conversation's queue who are in an
 * allowed presence with free capacity (the rule transfer-target.ts enforces); others are listed with the reason.
 * Supervisors and admins: every agent (they assign directly).
 */

const TransferTargetsSchema = z
  .object({
    queues: z.array(z.object({ id: z.string(), name: z.string() })),
    agents: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        presence: z.enum(PRESENCES),
        freeCapacity: z.number().int(),
        eligible: z.boolean(),
        reason: z.enum(['presence_not_allowed', 'no_capacity']).nullable(),
      }),
    ),
  })
  .openapi('TransferTargets');

export const route = protectedRoute({
  method: 'get',
  path: '/{id}/transfer-targets',
  operationId: 'listTransferTargets',
  tags: ['Conversation actions'],
  summary: 'Queues and agents the caller may transfer this conversation to',
  request: { params: ConversationIdParam },
  responses: {
    200: {
      description: 'Transfer targets (agents not eligible now carry the reason)',
      content: { 'application/json': { schema: TransferTargetsSchema } },
    },
    ...problemsOf(401, 403, 404, 422),
  },
});

export const handler: AppRouteHandler<typeof route> = async (c) => {
  const { deps, user } = c.var;
  const conv = await loadReadableConversation(deps.db, user, c.req.valid('param').id);
  const db = deps.db;
  const staff = isStaff(user);
  const [queueRows, ws] = await Promise.all([
    db.select({ id: queues.id, name: queues.name }).from(queues).orderBy(asc(queues.name)),
    conv.workstreamId
      ? db.query.workstreams.findFirst({
          where: eq(workstreams.id, conv.workstreamId),
          columns: { allowedPresences: true, capacityUnits: true },
        })
      : undefined,
  ]);
  const cols = {
    id: users.id,
    name: users.name,
    presence: users.presence,
    capacity: users.capacity,
    used: users.capacityUsed,
  };
  const candidates = staff
    ? await db.select(cols).from(users).where(eq(users.role, 'agent')).orderBy(asc(users.name))
    : conv.queueId
      ? await db
          .select(cols)
          .from(users)
          .innerJoin(queueMembers, eq(queueMembers.userId, users.id))
          .where(and(eq(queueMembers.queueId, conv.queueId), ne(users.id, user.id)))
          .orderBy(asc(users.name))
      : [];
  const allowed: string[] = ws?.allowedPresences ?? ['available', 'busy'];
  const units = ws?.capacityUnits ?? 1;
  const agents = candidates
    .filter((a) => a.id !== conv.agentId)
    .map((a) => {
      const free = Math.max(a.capacity - a.used, 0);
      const reason = staff
        ? null
        : !allowed.includes(a.presence)
          ? ('presence_not_allowed' as const)
          : free < units
            ? ('no_capacity' as const)
            : null;
      return { id: a.id, name: a.name, presence: a.presence, freeCapacity: free, eligible: reason === null, reason };
    });
  return c.json({ queues: queueRows.filter((q) => q.id !== conv.queueId), agents }, 200);
};

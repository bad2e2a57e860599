import type { z } from '@hono/zod-openapi';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { queueMembers, queues, routingRules, users, workstreams } from '../../../db/schema/index.js';
import { ProblemError } from '../../../lib/problem.js';
import {
  type AppRouteHandler,
  conflict,
  type Executor,
  isUniqueViolation,
  unknownId,
} from '../../lib/route-helpers.js';
import { assertQueueRules } from './overflow.js';
import type * as routes from './queues.routes.js';
import type { Queue } from './queues.routes.js';

type Row = typeof queues.$inferSelect;

const view = (r: Row, members: string[]): z.infer<typeof Queue> => ({
  id: r.id,
  name: r.name,
  assignmentMethod: r.assignmentMethod,
  priority: r.priority,
  agentIds: members,
  calendarId: r.calendarId,
  overflow: r.overflow
    ? {
        maxWaiting: r.overflow.maxWaiting ?? null,
        maxWaitMinutes: r.overflow.maxWaitMinutes ?? null,
        action: r.overflow.action,
        targetQueueId: r.overflow.targetQueueId ?? null,
        message: r.overflow.message ?? null,
      }
    : null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

async function membersOf(db: Executor, queueIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(queueIds.map((id) => [id, []]));
  if (queueIds.length === 0) return map;
  const rows = await db
    .select({ queueId: queueMembers.queueId, userId: queueMembers.userId })
    .from(queueMembers)
    .where(inArray(queueMembers.queueId, queueIds))
    .orderBy(asc(queueMembers.addedAt), asc(queueMembers.userId));
  for (const r of rows) map.get(r.queueId)?.push(r.userId);
  return map;
}

/** Unknown agent ids in a body are a validation failure of that body (422), not an unknown path id (404). */
async function assertUsersExist(db: Executor, ids: string[]) {
  if (ids.length === 0) return;
  const found = new Set((await db.select({ id: users.id }).from(users).where(inArray(users.id, ids))).map((r) => r.id));
  const missing = ids.map((id, i) => ({ id, i })).filter(({ id }) => !found.has(id));
  if (missing.length > 0) {
    const errors = missing.map(({ id, i }) => ({ path: `agentIds.${i}`, message: `no agent with id ${id}` }));
    throw new ProblemError(422, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  }
}

/** Replaces membership, keeping the join time of agents who stay (round robin orders by it). */
async function setMembers(db: Executor, queueId: string, ids: string[]) {
  const current = (await membersOf(db, [queueId])).get(queueId) ?? [];
  const removed = current.filter((id) => !ids.includes(id));
  const added = ids.filter((id) => !current.includes(id));
  if (removed.length > 0) {
    await db.delete(queueMembers).where(and(eq(queueMembers.queueId, queueId), inArray(queueMembers.userId, removed)));
  }
  if (added.length > 0) {
    await db
      .insert(queueMembers)
      .values(added.map((userId) => ({ queueId, userId })))
      .onConflictDoNothing();
  }
}

async function load(db: Executor, id: string) {
  const row = await db.query.queues.findFirst({ where: eq(queues.id, id) });
  if (!row) throw unknownId('queue', id);
  return row;
}

export const createQueue: AppRouteHandler<typeof routes.createQueue> = async (c) => {
  const deps = c.var.deps;
  const body = c.req.valid('json');
  await assertUsersExist(deps.db, body.agentIds);
  await assertQueueRules(deps.db, body);
  try {
    const row = await deps.db.transaction(async (tx) => {
      const [created] = await tx
        .insert(queues)
        .values({
          name: body.name,
          assignmentMethod: body.assignmentMethod,
          priority: body.priority,
          calendarId: body.calendarId,
          overflow: body.overflow,
        })
        .returning();
      await setMembers(tx, created!.id, body.agentIds);
      return created!;
    });
    return c.json(view(row, body.agentIds), 201);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a queue named "${body.name}" already exists`, 'name');
    throw err;
  }
};

export const listQueues: AppRouteHandler<typeof routes.listQueues> = async (c) => {
  const deps = c.var.deps;
  const rows = await deps.db.query.queues.findMany({ orderBy: [asc(queues.priority), asc(queues.name)] });
  const members = await membersOf(
    deps.db,
    rows.map((r) => r.id),
  );
  return c.json({ items: rows.map((r) => view(r, members.get(r.id) ?? [])) }, 200);
};

export const getQueue: AppRouteHandler<typeof routes.getQueue> = async (c) => {
  const deps = c.var.deps;
  const row = await load(c.var.deps.db, c.req.valid('param').id);
  return c.json(view(row, (await membersOf(deps.db, [row.id])).get(row.id) ?? []), 200);
};

export const updateQueue: AppRouteHandler<typeof routes.updateQueue> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  const user = c.get('user');
  // D365: supervisors add and remove agents in queues; everything else about a queue is the admin's.
  if (user.role !== 'admin') {
    const others = Object.keys(body).filter((k) => k !== 'agentIds' && body[k as keyof typeof body] !== undefined);
    if (others.length > 0) {
      throw new ProblemError(
        403,
        `supervisors may change only agentIds of a queue; changing ${others.join(', ')} needs the admin role`,
        others.map((path) => ({ path, message: 'needs the admin role' })),
      );
    }
  }
  await load(c.var.deps.db, id);
  if (body.agentIds) await assertUsersExist(deps.db, body.agentIds);
  await assertQueueRules(deps.db, body, id);
  try {
    const row = await deps.db.transaction(async (tx) => {
      const { agentIds: ids, ...fields } = body;
      const [updated] = await tx
        .update(queues)
        .set({ ...fields, updatedAt: new Date() })
        .where(eq(queues.id, id))
        .returning();
      if (ids) await setMembers(tx, id, ids);
      return updated!;
    });
    return c.json(view(row, (await membersOf(deps.db, [id])).get(id) ?? []), 200);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`a queue named "${body.name}" already exists`, 'name');
    throw err;
  }
};

export const deleteQueue: AppRouteHandler<typeof routes.deleteQueue> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  await load(c.var.deps.db, id);
  const ws = await deps.db.query.workstreams.findFirst({
    where: eq(workstreams.defaultQueueId, id),
    columns: { id: true, name: true },
  });
  if (ws) throw conflict(`queue ${id} is the default queue of workstream "${ws.name}" (${ws.id})`);
  const rule = await deps.db.query.routingRules.findFirst({
    where: eq(routingRules.queueId, id),
    columns: { id: true, name: true },
  });
  if (rule) throw conflict(`queue ${id} is the target of routing rule "${rule.name}" (${rule.id})`);
  const overflowing = await deps.db.query.queues.findFirst({
    where: sql`${queues.overflow}->>'targetQueueId' = ${id}`,
    columns: { id: true, name: true },
  });
  if (overflowing)
    throw conflict(`queue ${id} is the overflow target of queue "${overflowing.name}" (${overflowing.id})`);
  await deps.db.delete(queues).where(eq(queues.id, id));
  return c.body(null, 204);
};

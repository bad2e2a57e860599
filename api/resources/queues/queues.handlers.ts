import type { z } from '@hono/zod-openapi';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { queueMembers, queues, routingRules, workstreams } from '../../../db/schema/index.js';
import { assertAgentsExist } from '../../lib/body-agents.js';
import type { CrudHandlers } from '../../lib/crud-routes.js';
import { conflict, type Executor, loadOr404, onlyAdminBeyond, uniqueOr409 } from '../../lib/route-helpers.js';
import { jsonRow } from '../../lib/table-schemas.js';
import { assertQueueRules } from './overflow.js';
import type { Queue, queueRoutes } from './queues.routes.js';

type Handlers = CrudHandlers<typeof queueRoutes>;

type Row = typeof queues.$inferSelect;

const view = (r: Row, members: string[]): z.infer<typeof Queue> => ({
  ...jsonRow(r),
  agentIds: members,
  overflow: r.overflow
    ? {
        maxWaiting: r.overflow.maxWaiting ?? null,
        maxWaitMinutes: r.overflow.maxWaitMinutes ?? null,
        action: r.overflow.action,
        targetQueueId: r.overflow.targetQueueId ?? null,
        message: r.overflow.message ?? null,
      }
    : null,
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

const load = (db: Executor, id: string) =>
  loadOr404(db.query.queues.findFirst({ where: eq(queues.id, id) }), 'queue', id);

const nameTaken = (name: string | undefined) => () => conflict(`a queue named "${name}" already exists`, 'name');

const withMembers = async (db: Executor, row: Row) => view(row, (await membersOf(db, [row.id])).get(row.id) ?? []);

const create: Handlers['create'] = async (c) => {
  const db = c.var.deps.db;
  const body = c.req.valid('json');
  await assertAgentsExist(db, body.agentIds);
  await assertQueueRules(db, body);
  const row = await uniqueOr409(
    () =>
      db.transaction(async (tx) => {
        const { agentIds, ...fields } = body;
        const [created] = await tx.insert(queues).values(fields).returning();
        await setMembers(tx, created!.id, agentIds);
        return created!;
      }),
    nameTaken(body.name),
  );
  return c.json(view(row, body.agentIds), 201);
};

const list: Handlers['list'] = async (c) => {
  const db = c.var.deps.db;
  const rows = await db.query.queues.findMany({ orderBy: [asc(queues.priority), asc(queues.name)] });
  const members = await membersOf(
    db,
    rows.map((r) => r.id),
  );
  return c.json({ items: rows.map((r) => view(r, members.get(r.id) ?? [])) }, 200);
};

const get: Handlers['get'] = async (c) => {
  const db = c.var.deps.db;
  return c.json(await withMembers(db, await load(db, c.req.valid('param').id)), 200);
};

const update: Handlers['update'] = async (c) => {
  const db = c.var.deps.db;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  // D365: supervisors add and remove agents in queues; everything else about a queue is the admin's.
  onlyAdminBeyond(c.get('user'), body, ['agentIds'], 'supervisors may change only agentIds of a queue');
  await load(db, id);
  if (body.agentIds) await assertAgentsExist(db, body.agentIds);
  await assertQueueRules(db, body, id);
  const row = await uniqueOr409(
    () =>
      db.transaction(async (tx) => {
        const { agentIds: ids, ...fields } = body;
        const [updated] = await tx
          .update(queues)
          .set({ ...fields, updatedAt: new Date() })
          .where(eq(queues.id, id))
          .returning();
        if (ids) await setMembers(tx, id, ids);
        return updated!;
      }),
    nameTaken(body.name),
  );
  return c.json(await withMembers(db, row), 200);
};

const remove: Handlers['remove'] = async (c) => {
  const db = c.var.deps.db;
  const { id } = c.req.valid('param');
  await load(db, id);
  const ws = await db.query.workstreams.findFirst({
    where: eq(workstreams.defaultQueueId, id),
    columns: { id: true, name: true },
  });
  if (ws) throw conflict(`queue ${id} is the default queue of workstream "${ws.name}" (${ws.id})`);
  const rule = await db.query.routingRules.findFirst({
    where: eq(routingRules.queueId, id),
    columns: { id: true, name: true },
  });
  if (rule) throw conflict(`queue ${id} is the target of routing rule "${rule.name}" (${rule.id})`);
  const overflowing = await db.query.queues.findFirst({
    where: sql`${queues.overflow}->>'targetQueueId' = ${id}`,
    columns: { id: true, name: true },
  });
  if (overflowing)
    throw conflict(`queue ${id} is the overflow target of queue "${overflowing.name}" (${overflowing.id})`);
  await db.delete(queues).where(eq(queues.id, id));
  return c.body(null, 204);
};

export const queueHandlers: Handlers = { list, get, create, update, remove };

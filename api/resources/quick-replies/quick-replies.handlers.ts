import { and, asc, eq, isNull, or, type SQL, sql } from 'drizzle-orm';
import { auditLog, queueMembers, queues, quickReplies } from '../../../db/schema/index.js';
import type { AuthUser } from '../../deps.js';
import type { CrudHandlers } from '../../lib/crud-routes.js';
import { type Executor, fieldProblem, loadOr404, type Tx } from '../../lib/route-helpers.js';
import { icuLower, likePattern } from '../customers/customer-access.js';
import type { quickReplyRoutes } from './quick-replies.routes.js';

type Handlers = CrudHandlers<typeof quickReplyRoutes>;

type Row = typeof quickReplies.$inferSelect;

const view = (r: Row) => ({
  id: r.id,
  title: r.title,
  text: r.text,
  queueId: r.queueId,
  language: r.language,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** A queue named in a body must exist: 422 naming the field (not 404, which is for the path). */
async function assertQueue(db: Executor, queueId: string | null | undefined) {
  if (!queueId) return;
  const row = await db.query.queues.findFirst({ where: eq(queues.id, queueId), columns: { id: true } });
  if (!row) throw fieldProblem('queueId', `no queue with id ${queueId}`);
}

/** Every change to a quick reply is audited, in the transaction that makes it. */
const audit = (tx: Tx, user: AuthUser, action: string, id: string, details: Record<string, unknown>) =>
  tx.insert(auditLog).values({ actorId: user.id, action, targetType: 'quick_reply', targetId: id, details });

const list: Handlers['list'] = async (c) => {
  const { deps, user } = c.var;
  const q = c.req.valid('query');
  const where: (SQL | undefined)[] = [];
  if (user.role === 'agent') {
    where.push(
      or(
        isNull(quickReplies.queueId),
        sql`${quickReplies.queueId} in (select ${queueMembers.queueId} from ${queueMembers} where ${queueMembers.userId} = ${user.id})`,
      ),
    );
  }
  if (q.queueId) where.push(or(isNull(quickReplies.queueId), eq(quickReplies.queueId, q.queueId)));
  if (q.language) where.push(or(isNull(quickReplies.language), eq(quickReplies.language, q.language)));
  if (q.q) {
    const pattern = icuLower(sql`${likePattern(q.q)}`);
    where.push(
      or(
        sql`${icuLower(sql`${quickReplies.title}`)} like ${pattern}`,
        sql`${icuLower(sql`${quickReplies.text}`)} like ${pattern}`,
      ),
    );
  }
  const rows = await deps.db
    .select()
    .from(quickReplies)
    .where(and(...where))
    .orderBy(asc(quickReplies.title), asc(quickReplies.id))
    .limit(500);
  return c.json({ items: rows.map(view) }, 200);
};

const create: Handlers['create'] = async (c) => {
  const { deps, user } = c.var;
  const body = c.req.valid('json');
  await assertQueue(deps.db, body.queueId);
  const row = await deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(quickReplies)
      .values({ ...body, createdBy: user.id })
      .returning();
    await audit(tx, user, 'quick_reply.created', created!.id, {
      title: created!.title,
      queueId: created!.queueId,
      language: created!.language,
    });
    return created!;
  });
  return c.json(view(row), 201);
};

const update: Handlers['update'] = async (c) => {
  const { deps, user } = c.var;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  await assertQueue(deps.db, body.queueId);
  const row = await deps.db.transaction(async (tx) => {
    const updated = await loadOr404(
      tx
        .update(quickReplies)
        .set({ ...body, updatedAt: sql`now()` })
        .where(eq(quickReplies.id, id))
        .returning()
        .then(([r]) => r),
      'quick reply',
      id,
    );
    await audit(tx, user, 'quick_reply.updated', id, { fields: Object.keys(body) });
    return updated;
  });
  return c.json(view(row), 200);
};

const remove: Handlers['remove'] = async (c) => {
  const { deps, user } = c.var;
  const { id } = c.req.valid('param');
  await deps.db.transaction(async (tx) => {
    const deleted = await loadOr404(
      tx
        .delete(quickReplies)
        .where(eq(quickReplies.id, id))
        .returning()
        .then(([r]) => r),
      'quick reply',
      id,
    );
    await audit(tx, user, 'quick_reply.deleted', id, { title: deleted.title });
  });
  return c.body(null, 204);
};

export const quickReplyHandlers = { list, create, update, remove } satisfies Omit<Handlers, 'get'>;

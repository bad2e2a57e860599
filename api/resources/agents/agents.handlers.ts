import type { z } from '@hono/zod-openapi';
import { and, asc, count, eq, ne } from 'drizzle-orm';
import { auditLog, browserSessions, queueMembers, users } from '../../../db/schema/index.js';
import { generateToken, hashToken } from '../../auth.js';
import type { CrudHandlers } from '../../lib/crud-routes.js';
import {
  type AppRouteHandler,
  conflict,
  type Executor,
  loadOr404,
  onlyAdminBeyond,
  uniqueOr409,
} from '../../lib/route-helpers.js';
import type { Agent, agentRoutes, rotateAgentToken as rotateRoute } from './agents.routes.js';

type Handlers = CrudHandlers<typeof agentRoutes>;

type Row = typeof users.$inferSelect;

const view = (r: Row, queueIds: string[]): z.infer<typeof Agent> => ({
  id: r.id,
  name: r.name,
  email: r.email,
  role: r.role,
  capacity: r.capacity,
  skills: r.skills,
  presence: r.presence,
  disabled: r.disabled,
  queueIds,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

// Supervisors may change an agent's capacity and skills; the rest is the admin's (docs/domain.md, "The conversation
// model").
const SUPERVISOR_FIELDS = ['capacity', 'skills'];

async function queueIdsOf(db: Executor, userId: string) {
  const rows = await db
    .select({ queueId: queueMembers.queueId })
    .from(queueMembers)
    .where(eq(queueMembers.userId, userId))
    .orderBy(asc(queueMembers.addedAt));
  return rows.map((r) => r.queueId);
}

const load = (db: Executor, id: string) =>
  loadOr404(db.query.users.findFirst({ where: eq(users.id, id) }), 'agent', id);

/** Writes that may set the email: a taken one is a 409 naming it. */
const emailUnique = <T>(email: string | null | undefined, write: () => Promise<T>) =>
  uniqueOr409(write, () => conflict(`email ${email} is already used by another user`, 'email'), 'users_email_unique');

const create: Handlers['create'] = async (c) => {
  const deps = c.var.deps;
  const body = c.req.valid('json');
  const token = generateToken();
  const [row] = await emailUnique(body.email, () =>
    deps.db
      .insert(users)
      .values({ ...body, email: body.email ?? null, tokenHash: hashToken(token) })
      .returning(),
  );
  await deps.db.insert(auditLog).values({
    actorId: c.get('user').id,
    action: 'user.created',
    targetType: 'user',
    targetId: row!.id,
    details: { role: row!.role },
  });
  return c.json({ ...view(row!, []), token }, 201);
};

const list: Handlers['list'] = async (c) => {
  const deps = c.var.deps;
  const { role } = c.req.valid('query');
  const rows = await deps.db.query.users.findMany({
    where: role ? eq(users.role, role) : undefined,
    orderBy: [asc(users.name), asc(users.id)],
  });
  const memberships = await deps.db.select().from(queueMembers).orderBy(asc(queueMembers.addedAt));
  const byUser = new Map<string, string[]>();
  for (const m of memberships) byUser.set(m.userId, [...(byUser.get(m.userId) ?? []), m.queueId]);
  return c.json({ items: rows.map((r) => view(r, byUser.get(r.id) ?? [])) }, 200);
};

const get: Handlers['get'] = async (c) => {
  const { id } = c.req.valid('param');
  return c.json(view(await load(c.var.deps.db, id), await queueIdsOf(c.var.deps.db, id)), 200);
};

const update: Handlers['update'] = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  const actor = c.get('user');
  onlyAdminBeyond(actor, body, SUPERVISOR_FIELDS, 'supervisors may change only capacity and skills');
  const current = await load(c.var.deps.db, id);
  // Never leave the organization without an administrator.
  if (body.role && body.role !== 'admin' && current.role === 'admin') {
    const [others] = await deps.db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, 'admin'), ne(users.id, id)));
    if (!others || others.n === 0)
      throw conflict(`user ${id} is the last admin; make another user admin first`, 'role');
  }
  if (body.disabled && !current.disabled && current.role === 'admin') {
    const [others] = await deps.db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, 'admin'), ne(users.id, id), eq(users.disabled, false)));
    if (!others || others.n === 0)
      throw conflict(`user ${id} is the last admin; make another user admin first`, 'disabled');
  }
  // A disabled user goes offline (no offers) and loses every browser session at once.
  const offline = body.disabled && !current.disabled ? { presence: 'offline' as const } : {};
  if (body.disabled && !current.disabled) await deps.db.delete(browserSessions).where(eq(browserSessions.userId, id));
  const [row] = await emailUnique(body.email, () =>
    deps.db
      .update(users)
      .set({ ...body, ...offline, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning(),
  );
  if (body.role && body.role !== current.role) {
    await deps.db.insert(auditLog).values({
      actorId: actor.id,
      action: 'user.role_changed',
      targetType: 'user',
      targetId: id,
      details: { from: current.role, to: body.role },
    });
  }
  return c.json(view(row!, await queueIdsOf(c.var.deps.db, id)), 200);
};

export const rotateAgentToken: AppRouteHandler<typeof rotateRoute> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  await load(c.var.deps.db, id);
  const token = generateToken();
  const [row] = await deps.db
    .update(users)
    .set({ tokenHash: hashToken(token), updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  await deps.db.insert(auditLog).values({
    actorId: c.get('user').id,
    action: 'user.token_rotated',
    targetType: 'user',
    targetId: id,
  });
  return c.json({ ...view(row!, await queueIdsOf(c.var.deps.db, id)), token }, 200);
};

export const agentHandlers = { list, get, create, update };

import { z } from '@hono/zod-openapi';
import { and, asc, count, eq, ne } from 'drizzle-orm';
import { auditLog, queueMembers, users } from '../../../db/schema/index.js';
import { ProblemError } from '../../../lib/problem.js';
import { generateToken, guard, hashToken, ROLES } from '../../auth.js';
import type { ApiDeps } from '../../deps.js';
import {
  conflict,
  createSetupRouter,
  IdParam,
  isUniqueViolation,
  jsonBody,
  jsonResponse,
  setupRoute,
  unknownId,
} from './common.js';

const Role = z.enum(ROLES, { error: 'must be one of agent, supervisor, admin' });
const skills = z
  .array(z.string().trim().min(1).max(100))
  .max(50)
  .refine((s) => new Set(s).size === s.length, 'must not repeat a skill');
const capacity = z
  .number()
  .int()
  .min(0)
  .max(1000)
  .openapi({ description: 'Capacity units the agent can hold at once (a workstream item costs its capacityUnits)' });

const AgentCreate = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200),
    email: z.email('must be an email address').max(320).nullish(),
    role: Role.default('agent'),
    capacity: capacity.default(10),
    skills: skills.default([]),
  })
  .strict()
  .openapi('AgentCreate');

const AgentUpdate = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200).optional(),
    email: z.email('must be an email address').max(320).nullish(),
    role: Role.optional(),
    capacity: capacity.optional(),
    skills: skills.optional(),
  })
  .strict()
  .openapi('AgentUpdate');

const Agent = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string().nullable(),
    role: Role,
    capacity: z.number().int(),
    skills: z.array(z.string()),
    presence: z.string(),
    queueIds: z.array(z.uuid()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Agent');

const AgentWithToken = Agent.extend({
  token: z.string().openapi({ description: 'Bearer token, shown only in this response; store it now' }),
}).openapi('AgentWithToken');

type Row = typeof users.$inferSelect;

const view = (r: Row, queueIds: string[]): z.infer<typeof Agent> => ({
  id: r.id,
  name: r.name,
  email: r.email,
  role: r.role,
  capacity: r.capacity,
  skills: r.skills,
  presence: r.presence,
  queueIds,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

// Supervisors may change an agent's capacity and skills (D365 §2.4); the rest is the admin's.
const SUPERVISOR_FIELDS = ['capacity', 'skills'];

export function agentAdminRoutes(deps: ApiDeps) {
  const app = createSetupRouter();
  const admin = guard(deps, 'admin');
  const readers = guard(deps, 'admin', 'supervisor');

  async function queueIdsOf(userId: string) {
    const rows = await deps.db
      .select({ queueId: queueMembers.queueId })
      .from(queueMembers)
      .where(eq(queueMembers.userId, userId))
      .orderBy(asc(queueMembers.addedAt));
    return rows.map((r) => r.queueId);
  }

  async function load(id: string): Promise<Row> {
    const row = await deps.db.query.users.findFirst({ where: eq(users.id, id) });
    if (!row) throw unknownId('agent', id);
    return row;
  }

  const emailTaken = (err: unknown, email: string | null | undefined) =>
    isUniqueViolation(err, 'users_email_unique')
      ? conflict(`email ${email} is already used by another user`, 'email')
      : err;

  app.openapi(
    setupRoute({
      method: 'post',
      path: '/agents',
      operationId: 'createAgent',
      tags: ['Agents'],
      summary: 'Create a user (agent, supervisor or admin); the token is shown once',
      middleware: admin,
      request: { body: jsonBody(AgentCreate) },
      responses: { 201: jsonResponse(AgentWithToken, 'Created, with its bearer token') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const token = generateToken();
      try {
        const [row] = await deps.db
          .insert(users)
          .values({ ...body, email: body.email ?? null, tokenHash: hashToken(token) })
          .returning();
        await deps.db.insert(auditLog).values({
          actorId: c.get('user').id,
          action: 'user.created',
          targetType: 'user',
          targetId: row!.id,
          details: { role: row!.role },
        });
        return c.json({ ...view(row!, []), token }, 201);
      } catch (err) {
        throw emailTaken(err, body.email);
      }
    },
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/agents',
      operationId: 'listAgents',
      tags: ['Agents'],
      summary: 'List users (never their tokens)',
      middleware: readers,
      request: { query: z.object({ role: Role.optional() }) },
      responses: { 200: jsonResponse(z.object({ items: z.array(Agent) }), 'Users') },
    }),
    async (c) => {
      const { role } = c.req.valid('query');
      const rows = await deps.db.query.users.findMany({
        where: role ? eq(users.role, role) : undefined,
        orderBy: [asc(users.name), asc(users.id)],
      });
      const memberships = await deps.db.select().from(queueMembers).orderBy(asc(queueMembers.addedAt));
      const byUser = new Map<string, string[]>();
      for (const m of memberships) byUser.set(m.userId, [...(byUser.get(m.userId) ?? []), m.queueId]);
      return c.json({ items: rows.map((r) => view(r, byUser.get(r.id) ?? [])) }, 200);
    },
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/agents/{id}',
      operationId: 'getAgent',
      tags: ['Agents'],
      summary: 'One user',
      middleware: readers,
      request: { params: IdParam },
      responses: { 200: jsonResponse(Agent, 'The user') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      return c.json(view(await load(id), await queueIdsOf(id)), 200);
    },
  );

  app.openapi(
    setupRoute({
      method: 'patch',
      path: '/agents/{id}',
      operationId: 'updateAgent',
      tags: ['Agents'],
      summary: 'Change name, email, role, capacity or skills (supervisors: capacity and skills only)',
      middleware: readers,
      request: { params: IdParam, body: jsonBody(AgentUpdate) },
      responses: { 200: jsonResponse(Agent, 'Updated') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const actor = c.get('user');
      if (actor.role !== 'admin') {
        const others = Object.keys(body).filter(
          (k) => !SUPERVISOR_FIELDS.includes(k) && body[k as keyof typeof body] !== undefined,
        );
        if (others.length > 0) {
          throw new ProblemError(
            403,
            `supervisors may change only capacity and skills; changing ${others.join(', ')} needs the admin role`,
            others.map((path) => ({ path, message: 'needs the admin role' })),
          );
        }
      }
      const current = await load(id);
      // Never leave the organization without an administrator.
      if (body.role && body.role !== 'admin' && current.role === 'admin') {
        const [others] = await deps.db
          .select({ n: count() })
          .from(users)
          .where(and(eq(users.role, 'admin'), ne(users.id, id)));
        if (!others || others.n === 0)
          throw conflict(`user ${id} is the last admin; make another user admin first`, 'role');
      }
      try {
        const [row] = await deps.db
          .update(users)
          .set({ ...body, updatedAt: new Date() })
          .where(eq(users.id, id))
          .returning();
        if (body.role && body.role !== current.role) {
          await deps.db.insert(auditLog).values({
            actorId: actor.id,
            action: 'user.role_changed',
            targetType: 'user',
            targetId: id,
            details: { from: current.role, to: body.role },
          });
        }
        return c.json(view(row!, await queueIdsOf(id)), 200);
      } catch (err) {
        throw emailTaken(err, body.email);
      }
    },
  );

  app.openapi(
    setupRoute({
      method: 'post',
      path: '/agents/{id}/token',
      operationId: 'rotateAgentToken',
      tags: ['Agents'],
      summary: "Rotate a user's bearer token; the old one stops working at once, the new one is shown once",
      middleware: admin,
      request: { params: IdParam },
      responses: { 200: jsonResponse(AgentWithToken, 'The user with the new token') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await load(id);
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
      return c.json({ ...view(row!, await queueIdsOf(id)), token }, 200);
    },
  );

  return app;
}

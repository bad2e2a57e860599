import type { z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import { messagingAccounts, phoneNumbers, smsChannels } from '../../../db/schema/index.js';
import { validateSmsNumber } from '../../../domain/phone-number.js';
import { ProblemError } from '../../../lib/problem.js';
import {
  type AppRouteHandler,
  conflict,
  type Executor,
  isUniqueViolation,
  unknownId,
} from '../../lib/route-helpers.js';
import type * as routes from './phone-numbers.routes.js';
import type { PhoneNumber } from './phone-numbers.routes.js';

type Row = typeof phoneNumbers.$inferSelect;

const view = (r: Row, channelId: string | null): z.infer<typeof PhoneNumber> => ({
  id: r.id,
  accountId: r.accountId,
  number: r.number,
  type: r.type,
  description: r.description,
  channelId,
  createdAt: r.createdAt.toISOString(),
});

async function list(db: Executor, accountId?: string) {
  const rows = await db
    .select({ n: phoneNumbers, channelId: smsChannels.id })
    .from(phoneNumbers)
    .leftJoin(smsChannels, eq(smsChannels.phoneNumberId, phoneNumbers.id))
    .where(accountId ? eq(phoneNumbers.accountId, accountId) : undefined)
    .orderBy(asc(phoneNumbers.createdAt), asc(phoneNumbers.number));
  return rows.map((r) => view(r.n, r.channelId));
}

export const createPhoneNumber: AppRouteHandler<typeof routes.createPhoneNumber> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  const rule = validateSmsNumber(body.number, body.type);
  if (rule) throw new ProblemError(422, rule, [{ path: 'number', message: rule }]);
  const account = await deps.db.query.messagingAccounts.findFirst({
    where: eq(messagingAccounts.id, id),
    columns: { id: true },
  });
  if (!account) throw unknownId('messaging account', id);
  try {
    const [row] = await deps.db
      .insert(phoneNumbers)
      .values({ accountId: id, number: body.number, type: body.type, description: body.description ?? null })
      .returning();
    return c.json(view(row!, null), 201);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`number ${body.number} is already registered`, 'number');
    throw err;
  }
};

export const listAccountPhoneNumbers: AppRouteHandler<typeof routes.listAccountPhoneNumbers> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const account = await deps.db.query.messagingAccounts.findFirst({
    where: eq(messagingAccounts.id, id),
    columns: { id: true },
  });
  if (!account) throw unknownId('messaging account', id);
  return c.json({ items: await list(c.var.deps.db, id) }, 200);
};

export const listPhoneNumbers: AppRouteHandler<typeof routes.listPhoneNumbers> = async (c) => {
  return c.json({ items: await list(c.var.deps.db, c.req.valid('query').accountId) }, 200);
};

export const getPhoneNumber: AppRouteHandler<typeof routes.getPhoneNumber> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const [row] = await deps.db
    .select({ n: phoneNumbers, channelId: smsChannels.id })
    .from(phoneNumbers)
    .leftJoin(smsChannels, eq(smsChannels.phoneNumberId, phoneNumbers.id))
    .where(eq(phoneNumbers.id, id));
  if (!row) throw unknownId('phone number', id);
  return c.json(view(row.n, row.channelId), 200);
};

export const updatePhoneNumber: AppRouteHandler<typeof routes.updatePhoneNumber> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  const row = await deps.db.query.phoneNumbers.findFirst({ where: eq(phoneNumbers.id, id) });
  if (!row) throw unknownId('phone number', id);
  if (body.type) {
    const rule = validateSmsNumber(row.number, body.type);
    if (rule) throw new ProblemError(422, `type: ${rule}`, [{ path: 'type', message: rule }]);
  }
  const changes = {
    ...(body.type ? { type: body.type } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
  };
  // An empty PATCH changes nothing (an UPDATE with no columns is an SQL error, found by the API fuzzer).
  const [updated] = Object.keys(changes).length
    ? await deps.db.update(phoneNumbers).set(changes).where(eq(phoneNumbers.id, id)).returning()
    : [row];
  const channel = await deps.db.query.smsChannels.findFirst({
    where: eq(smsChannels.phoneNumberId, id),
    columns: { id: true },
  });
  return c.json(view(updated!, channel?.id ?? null), 200);
};

export const deletePhoneNumber: AppRouteHandler<typeof routes.deletePhoneNumber> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const row = await deps.db.query.phoneNumbers.findFirst({ where: eq(phoneNumbers.id, id) });
  if (!row) throw unknownId('phone number', id);
  const channel = await deps.db.query.smsChannels.findFirst({
    where: eq(smsChannels.phoneNumberId, id),
    columns: { id: true, workstreamId: true },
  });
  if (channel) {
    throw conflict(
      `number ${row.number} serves SMS channel ${channel.id} of workstream ${channel.workstreamId}; delete the channel first`,
    );
  }
  await deps.db.delete(phoneNumbers).where(eq(phoneNumbers.id, id));
  return c.body(null, 204);
};

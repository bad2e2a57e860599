import type { z } from '@hono/zod-openapi';
import { asc, eq, type SQL } from 'drizzle-orm';
import { messagingAccounts, phoneNumbers, smsChannels } from '../../../db/schema/index.js';
import { validateSmsNumber } from '../../../domain/phone-number.js';
import { ProblemError } from '../../../lib/problem.js';
import type { CrudHandlers } from '../../lib/crud-routes.js';
import { conflict, type Executor, loadOr404, uniqueOr409 } from '../../lib/route-helpers.js';
import type { accountPhoneNumberRoutes, PhoneNumber, phoneNumberRoutes } from './phone-numbers.routes.js';

type Handlers = CrudHandlers<typeof phoneNumberRoutes>;
type AccountHandlers = CrudHandlers<typeof accountPhoneNumberRoutes>;

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

/** Numbers with the channel each serves, oldest first. */
const numbersWithChannels = (db: Executor, where: SQL | undefined) =>
  db
    .select({ n: phoneNumbers, channelId: smsChannels.id })
    .from(phoneNumbers)
    .leftJoin(smsChannels, eq(smsChannels.phoneNumberId, phoneNumbers.id))
    .where(where)
    .orderBy(asc(phoneNumbers.createdAt), asc(phoneNumbers.number));

const listNumbers = async (db: Executor, accountId?: string) =>
  (await numbersWithChannels(db, accountId ? eq(phoneNumbers.accountId, accountId) : undefined)).map((r) =>
    view(r.n, r.channelId),
  );

const loadAccount = (db: Executor, id: string) =>
  loadOr404(
    db.query.messagingAccounts.findFirst({ where: eq(messagingAccounts.id, id), columns: { id: true } }),
    'messaging account',
    id,
  );

const loadNumber = (db: Executor, id: string) =>
  loadOr404(db.query.phoneNumbers.findFirst({ where: eq(phoneNumbers.id, id) }), 'phone number', id);

const create: AccountHandlers['create'] = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  const rule = validateSmsNumber(body.number, body.type);
  if (rule) throw new ProblemError(422, rule, [{ path: 'number', message: rule }]);
  await loadAccount(deps.db, id);
  const [row] = await uniqueOr409(
    () =>
      deps.db
        .insert(phoneNumbers)
        .values({ accountId: id, number: body.number, type: body.type, description: body.description ?? null })
        .returning(),
    () => conflict(`number ${body.number} is already registered`, 'number'),
  );
  return c.json(view(row!, null), 201);
};

const listOfAccount: AccountHandlers['list'] = async (c) => {
  const { id } = c.req.valid('param');
  await loadAccount(c.var.deps.db, id);
  return c.json({ items: await listNumbers(c.var.deps.db, id) }, 200);
};

const list: Handlers['list'] = async (c) => {
  return c.json({ items: await listNumbers(c.var.deps.db, c.req.valid('query').accountId) }, 200);
};

const get: Handlers['get'] = async (c) => {
  const { id } = c.req.valid('param');
  const found = numbersWithChannels(c.var.deps.db, eq(phoneNumbers.id, id)).then((rows) => rows[0]);
  const row = await loadOr404(found, 'phone number', id);
  return c.json(view(row.n, row.channelId), 200);
};

const update: Handlers['update'] = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  const row = await loadNumber(deps.db, id);
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

const remove: Handlers['remove'] = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const row = await loadNumber(deps.db, id);
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

export const phoneNumberHandlers = { list, get, update, remove };
export const accountPhoneNumberHandlers = { list: listOfAccount, create };

import type { z } from '@hono/zod-openapi';
import { and, asc, eq, type SQL } from 'drizzle-orm';
import { phoneNumbers, smsChannels } from '../../../db/schema/index.js';
import type { ApiDeps } from '../../deps.js';
import type { CrudHandlers } from '../../lib/crud-routes.js';
import { conflict, type Executor, fieldProblem, loadOr404, uniqueOr409 } from '../../lib/route-helpers.js';
import { callbackUrl } from '../messaging-accounts/messaging-accounts.handlers.js';
import { loadWorkstream } from '../workstreams/workstreams.handlers.js';
import type { Channel, smsChannelRoutes } from './sms-channels.routes.js';

type Handlers = CrudHandlers<typeof smsChannelRoutes>;

type Row = typeof smsChannels.$inferSelect;

type NumberRow = typeof phoneNumbers.$inferSelect;

const view = (deps: Pick<ApiDeps, 'config'>, r: Row, n: NumberRow): z.infer<typeof Channel> => ({
  id: r.id,
  workstreamId: r.workstreamId,
  phoneNumberId: r.phoneNumberId,
  number: n.number,
  accountId: n.accountId,
  callbackUrl: callbackUrl(deps, n.accountId),
  language: r.language,
  attachments: r.attachments,
  automatedMessages: Object.fromEntries(
    Object.entries(r.automatedMessages).filter((e): e is [string, string] => e[1] !== undefined),
  ),
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

async function loadNumber(db: Executor, id: string): Promise<NumberRow> {
  const n = await db.query.phoneNumbers.findFirst({ where: eq(phoneNumbers.id, id) });
  if (!n) throw fieldProblem('phoneNumberId', `no phone number with id ${id}`);
  return n;
}

/** D365: each number is its own channel instance; a second binding would make inbound routing ambiguous. */
async function assertNumberFree(db: Executor, n: NumberRow, exceptChannelId?: string) {
  const used = await db.query.smsChannels.findFirst({
    where: eq(smsChannels.phoneNumberId, n.id),
    columns: { id: true, workstreamId: true },
  });
  if (used && used.id !== exceptChannelId) {
    throw conflict(
      `number ${n.number} already serves SMS channel ${used.id} of workstream ${used.workstreamId}`,
      'phoneNumberId',
    );
  }
}

/** Channels with their numbers, oldest first. */
const channelsWithNumbers = (db: Executor, where: SQL | undefined) =>
  db
    .select({ ch: smsChannels, n: phoneNumbers })
    .from(smsChannels)
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, smsChannels.phoneNumberId))
    .where(where)
    .orderBy(asc(smsChannels.createdAt), asc(smsChannels.id));

async function loadChannel(db: Executor, workstreamId: string, channelId: string) {
  await loadWorkstream(db, workstreamId);
  const where = and(eq(smsChannels.id, channelId), eq(smsChannels.workstreamId, workstreamId));
  const found = channelsWithNumbers(db, where).then((rows) => rows[0]);
  return loadOr404(found, 'SMS channel', channelId, 'channelId');
}

/** Writes that bind a number: one already bound (a race past assertNumberFree) is a 409 naming it. */
const numberUnique = <T>(number: string, write: () => Promise<T>) =>
  uniqueOr409(write, () => conflict(`number ${number} already serves another SMS channel`, 'phoneNumberId'));

const create: Handlers['create'] = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  await loadWorkstream(deps.db, id);
  const n = await loadNumber(deps.db, body.phoneNumberId);
  await assertNumberFree(deps.db, n);
  const [row] = await numberUnique(n.number, () =>
    deps.db
      .insert(smsChannels)
      .values({
        workstreamId: id,
        phoneNumberId: n.id,
        language: body.language,
        attachments: body.attachments,
        automatedMessages: body.automatedMessages,
      })
      .returning(),
  );
  return c.json(view(c.var.deps, row!, n), 201);
};

const list: Handlers['list'] = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  await loadWorkstream(deps.db, id);
  const rows = await channelsWithNumbers(deps.db, eq(smsChannels.workstreamId, id));
  return c.json({ items: rows.map((r) => view(c.var.deps, r.ch, r.n)) }, 200);
};

const get: Handlers['get'] = async (c) => {
  const { id, channelId } = c.req.valid('param');
  const row = await loadChannel(c.var.deps.db, id, channelId);
  return c.json(view(c.var.deps, row.ch, row.n), 200);
};

const update: Handlers['update'] = async (c) => {
  const deps = c.var.deps;
  const { id, channelId } = c.req.valid('param');
  const body = c.req.valid('json');
  const current = await loadChannel(c.var.deps.db, id, channelId);
  let n = current.n;
  if (body.phoneNumberId && body.phoneNumberId !== current.ch.phoneNumberId) {
    n = await loadNumber(deps.db, body.phoneNumberId);
    await assertNumberFree(deps.db, n, channelId);
  }
  const [row] = await numberUnique(n.number, () =>
    deps.db
      .update(smsChannels)
      .set({
        phoneNumberId: n.id,
        ...(body.language !== undefined ? { language: body.language } : {}),
        ...(body.attachments ? { attachments: { ...current.ch.attachments, ...body.attachments } } : {}),
        ...(body.automatedMessages ? { automatedMessages: body.automatedMessages } : {}),
        updatedAt: new Date(),
      })
      .where(eq(smsChannels.id, channelId))
      .returning(),
  );
  return c.json(view(c.var.deps, row!, n), 200);
};

const remove: Handlers['remove'] = async (c) => {
  const deps = c.var.deps;
  const { id, channelId } = c.req.valid('param');
  await loadChannel(c.var.deps.db, id, channelId);
  await deps.db.delete(smsChannels).where(eq(smsChannels.id, channelId));
  return c.body(null, 204);
};

export const smsChannelHandlers: Handlers = { list, get, create, update, remove };

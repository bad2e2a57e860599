import { z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import { messagingAccounts, phoneNumbers, smsChannels } from '../../../db/schema/index.js';
import { validateSmsNumber } from '../../../domain/phone-number.js';
import { ProblemError } from '../../../lib/problem.js';
import { guard } from '../../auth.js';
import type { ApiDeps } from '../../deps.js';
import {
  conflict,
  createSetupRouter,
  IdParam,
  isUniqueViolation,
  jsonBody,
  jsonResponse,
  noContent,
  setupRoute,
  unknownId,
} from './common.js';

const NumberType = z.enum(['geo', 'short_code', 'toll_free'], { error: 'must be one of geo, short_code, toll_free' });

const PhoneNumberCreate = z
  .object({
    // Only the type is checked here; the digit rules run in domain/phone-number.ts so the 422 says exactly what to fix.
    number: z.string().max(64).openapi({
      description: 'Digits only with the country code, no +, spaces or dashes (7–15 digits; short codes 5–6)',
      example: '14252306549',
    }),
    type: NumberType,
    description: z.string().max(500).nullish(),
  })
  .strict()
  .openapi('PhoneNumberCreate');

const PhoneNumberUpdate = z
  .object({ type: NumberType.optional(), description: z.string().max(500).nullish() })
  .strict()
  .openapi('PhoneNumberUpdate');

const PhoneNumber = z
  .object({
    id: z.uuid(),
    accountId: z.uuid(),
    number: z.string(),
    type: NumberType,
    description: z.string().nullable(),
    channelId: z.uuid().nullable().openapi({ description: 'The SMS channel this number serves, if any' }),
    createdAt: z.string(),
  })
  .openapi('PhoneNumber');

const ListQuery = z.object({ accountId: z.uuid().optional() });

type Row = typeof phoneNumbers.$inferSelect;

export function phoneNumberRoutes(deps: ApiDeps) {
  const app = createSetupRouter();
  const admin = guard(deps, 'admin');
  const readers = guard(deps, 'admin', 'supervisor');

  const view = (r: Row, channelId: string | null): z.infer<typeof PhoneNumber> => ({
    id: r.id,
    accountId: r.accountId,
    number: r.number,
    type: r.type,
    description: r.description,
    channelId,
    createdAt: r.createdAt.toISOString(),
  });

  async function list(accountId?: string) {
    const rows = await deps.db
      .select({ n: phoneNumbers, channelId: smsChannels.id })
      .from(phoneNumbers)
      .leftJoin(smsChannels, eq(smsChannels.phoneNumberId, phoneNumbers.id))
      .where(accountId ? eq(phoneNumbers.accountId, accountId) : undefined)
      .orderBy(asc(phoneNumbers.createdAt), asc(phoneNumbers.number));
    return rows.map((r) => view(r.n, r.channelId));
  }

  app.openapi(
    setupRoute({
      method: 'post',
      path: '/messaging-accounts/{id}/phone-numbers',
      operationId: 'createPhoneNumber',
      tags: ['Phone numbers'],
      summary: 'Add an SMS number to an account',
      middleware: admin,
      request: { params: IdParam, body: jsonBody(PhoneNumberCreate) },
      responses: { 201: jsonResponse(PhoneNumber, 'Created') },
    }),
    async (c) => {
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
    },
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/messaging-accounts/{id}/phone-numbers',
      operationId: 'listAccountPhoneNumbers',
      tags: ['Phone numbers'],
      summary: "An account's numbers",
      middleware: readers,
      request: { params: IdParam },
      responses: { 200: jsonResponse(z.object({ items: z.array(PhoneNumber) }), 'Numbers') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const account = await deps.db.query.messagingAccounts.findFirst({
        where: eq(messagingAccounts.id, id),
        columns: { id: true },
      });
      if (!account) throw unknownId('messaging account', id);
      return c.json({ items: await list(id) }, 200);
    },
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/phone-numbers',
      operationId: 'listPhoneNumbers',
      tags: ['Phone numbers'],
      summary: 'All SMS numbers (optionally of one account)',
      middleware: readers,
      request: { query: ListQuery },
      responses: { 200: jsonResponse(z.object({ items: z.array(PhoneNumber) }), 'Numbers') },
    }),
    async (c) => c.json({ items: await list(c.req.valid('query').accountId) }, 200),
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/phone-numbers/{id}',
      operationId: 'getPhoneNumber',
      tags: ['Phone numbers'],
      summary: 'One SMS number',
      middleware: readers,
      request: { params: IdParam },
      responses: { 200: jsonResponse(PhoneNumber, 'The number') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const [row] = await deps.db
        .select({ n: phoneNumbers, channelId: smsChannels.id })
        .from(phoneNumbers)
        .leftJoin(smsChannels, eq(smsChannels.phoneNumberId, phoneNumbers.id))
        .where(eq(phoneNumbers.id, id));
      if (!row) throw unknownId('phone number', id);
      return c.json(view(row.n, row.channelId), 200);
    },
  );

  app.openapi(
    setupRoute({
      method: 'patch',
      path: '/phone-numbers/{id}',
      operationId: 'updatePhoneNumber',
      tags: ['Phone numbers'],
      summary: 'Change the description or type of a number (the number itself is its identity: add a new one)',
      middleware: admin,
      request: { params: IdParam, body: jsonBody(PhoneNumberUpdate) },
      responses: { 200: jsonResponse(PhoneNumber, 'Updated') },
    }),
    async (c) => {
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
    },
  );

  app.openapi(
    setupRoute({
      method: 'delete',
      path: '/phone-numbers/{id}',
      operationId: 'deletePhoneNumber',
      tags: ['Phone numbers'],
      summary: 'Remove an SMS number (refused while it serves an SMS channel)',
      middleware: admin,
      request: { params: IdParam },
      responses: { 204: noContent },
    }),
    async (c) => {
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
    },
  );

  return app;
}

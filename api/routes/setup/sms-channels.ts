import { z } from '@hono/zod-openapi';
import { and, asc, eq } from 'drizzle-orm';
import { phoneNumbers, smsChannels } from '../../../db/schema/index.js';
import { AUTOMATED_TRIGGERS, isAutomatedTrigger } from '../../../domain/automated-messages.js';
import { guard } from '../../auth.js';
import type { ApiDeps } from '../../deps.js';
import {
  conflict,
  createSetupRouter,
  type Executor,
  fieldProblem,
  isUniqueViolation,
  jsonBody,
  jsonResponse,
  noContent,
  setupRoute,
  unknownId,
} from './common.js';
import { callbackUrl } from './messaging-accounts.js';
import { loadWorkstream } from './workstreams.js';

const language = z
  .string()
  .regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language tag such as en, bg, es, fr, de or en-US')
  .openapi({ description: 'Selects the automated-message texts (en, bg, es, fr, de; others fall back to en)' });

const Attachments = z
  .object({ customersCanSend: z.boolean().default(false), agentsCanSend: z.boolean().default(false) })
  .strict();

// Keys are checked against the known triggers so a typo is a 422, not a silently ignored override.
const AutomatedMessages = z
  .record(z.string(), z.string().max(1600, 'must be at most 1600 characters'))
  .superRefine((rec, ctx) => {
    for (const key of Object.keys(rec)) {
      if (!isAutomatedTrigger(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown trigger; known triggers are ${AUTOMATED_TRIGGERS.join(', ')}`,
        });
      }
    }
  })
  .openapi({
    description: 'Per-trigger text overrides; "" deactivates a trigger. Placeholders {AgentName}, {QueueName}, {$Var$}',
    example: { greeting: 'Hi! An agent will text you back soon.', agent_assigned: '' },
  });

const ChannelCreate = z
  .object({
    phoneNumberId: z.uuid(),
    language: language.default('en'),
    attachments: Attachments.default({ customersCanSend: false, agentsCanSend: false }),
    automatedMessages: AutomatedMessages.default({}),
  })
  .strict()
  .openapi('SmsChannelCreate');

const ChannelUpdate = z
  .object({
    phoneNumberId: z.uuid().optional(),
    language: language.optional(),
    attachments: z
      .object({ customersCanSend: z.boolean().optional(), agentsCanSend: z.boolean().optional() })
      .strict()
      .optional(),
    automatedMessages: AutomatedMessages.optional().openapi({ description: 'Replaces all overrides' }),
  })
  .strict()
  .openapi('SmsChannelUpdate');

const Channel = z
  .object({
    id: z.uuid(),
    workstreamId: z.uuid(),
    phoneNumberId: z.uuid(),
    number: z.string(),
    accountId: z.uuid(),
    callbackUrl: z.string(),
    language: z.string(),
    attachments: z.object({ customersCanSend: z.boolean(), agentsCanSend: z.boolean() }),
    automatedMessages: z.record(z.string(), z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('SmsChannel');

const ChannelParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'Workstream id' }),
  channelId: z.uuid().openapi({ param: { name: 'channelId', in: 'path' } }),
});
const WorkstreamParam = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'Workstream id' }),
});

type Row = typeof smsChannels.$inferSelect;
type NumberRow = typeof phoneNumbers.$inferSelect;

export function smsChannelRoutes(deps: ApiDeps) {
  const app = createSetupRouter();
  const admin = guard(deps, 'admin');
  const readers = guard(deps, 'admin', 'supervisor');

  const view = (r: Row, n: NumberRow): z.infer<typeof Channel> => ({
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

  async function loadChannel(workstreamId: string, channelId: string) {
    await loadWorkstream(deps.db, workstreamId);
    const [row] = await deps.db
      .select({ ch: smsChannels, n: phoneNumbers })
      .from(smsChannels)
      .innerJoin(phoneNumbers, eq(phoneNumbers.id, smsChannels.phoneNumberId))
      .where(and(eq(smsChannels.id, channelId), eq(smsChannels.workstreamId, workstreamId)));
    if (!row) throw unknownId('SMS channel', channelId, 'channelId');
    return row;
  }

  const numberTaken = (err: unknown, number: string) => {
    if (isUniqueViolation(err)) return conflict(`number ${number} already serves another SMS channel`, 'phoneNumberId');
    return err;
  };

  app.openapi(
    setupRoute({
      method: 'post',
      path: '/workstreams/{id}/sms-channels',
      operationId: 'createSmsChannel',
      tags: ['SMS channels'],
      summary: 'Add SMS channel: bind a number to the workstream',
      middleware: admin,
      request: { params: WorkstreamParam, body: jsonBody(ChannelCreate) },
      responses: { 201: jsonResponse(Channel, 'Created') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await loadWorkstream(deps.db, id);
      const n = await loadNumber(deps.db, body.phoneNumberId);
      await assertNumberFree(deps.db, n);
      try {
        const [row] = await deps.db
          .insert(smsChannels)
          .values({
            workstreamId: id,
            phoneNumberId: n.id,
            language: body.language,
            attachments: body.attachments,
            automatedMessages: body.automatedMessages,
          })
          .returning();
        return c.json(view(row!, n), 201);
      } catch (err) {
        throw numberTaken(err, n.number);
      }
    },
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/workstreams/{id}/sms-channels',
      operationId: 'listSmsChannels',
      tags: ['SMS channels'],
      summary: "A workstream's SMS channels",
      middleware: readers,
      request: { params: WorkstreamParam },
      responses: { 200: jsonResponse(z.object({ items: z.array(Channel) }), 'Channels') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await loadWorkstream(deps.db, id);
      const rows = await deps.db
        .select({ ch: smsChannels, n: phoneNumbers })
        .from(smsChannels)
        .innerJoin(phoneNumbers, eq(phoneNumbers.id, smsChannels.phoneNumberId))
        .where(eq(smsChannels.workstreamId, id))
        .orderBy(asc(smsChannels.createdAt), asc(smsChannels.id));
      return c.json({ items: rows.map((r) => view(r.ch, r.n)) }, 200);
    },
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/workstreams/{id}/sms-channels/{channelId}',
      operationId: 'getSmsChannel',
      tags: ['SMS channels'],
      summary: 'One SMS channel',
      middleware: readers,
      request: { params: ChannelParams },
      responses: { 200: jsonResponse(Channel, 'The channel') },
    }),
    async (c) => {
      const { id, channelId } = c.req.valid('param');
      const row = await loadChannel(id, channelId);
      return c.json(view(row.ch, row.n), 200);
    },
  );

  app.openapi(
    setupRoute({
      method: 'patch',
      path: '/workstreams/{id}/sms-channels/{channelId}',
      operationId: 'updateSmsChannel',
      tags: ['SMS channels'],
      summary: 'Change number, language, attachment toggles or automated-message overrides',
      middleware: admin,
      request: { params: ChannelParams, body: jsonBody(ChannelUpdate) },
      responses: { 200: jsonResponse(Channel, 'Updated') },
    }),
    async (c) => {
      const { id, channelId } = c.req.valid('param');
      const body = c.req.valid('json');
      const current = await loadChannel(id, channelId);
      let n = current.n;
      if (body.phoneNumberId && body.phoneNumberId !== current.ch.phoneNumberId) {
        n = await loadNumber(deps.db, body.phoneNumberId);
        await assertNumberFree(deps.db, n, channelId);
      }
      try {
        const [row] = await deps.db
          .update(smsChannels)
          .set({
            phoneNumberId: n.id,
            ...(body.language !== undefined ? { language: body.language } : {}),
            ...(body.attachments ? { attachments: { ...current.ch.attachments, ...body.attachments } } : {}),
            ...(body.automatedMessages ? { automatedMessages: body.automatedMessages } : {}),
            updatedAt: new Date(),
          })
          .where(eq(smsChannels.id, channelId))
          .returning();
        return c.json(view(row!, n), 200);
      } catch (err) {
        throw numberTaken(err, n.number);
      }
    },
  );

  app.openapi(
    setupRoute({
      method: 'delete',
      path: '/workstreams/{id}/sms-channels/{channelId}',
      operationId: 'deleteSmsChannel',
      tags: ['SMS channels'],
      summary: 'Remove an SMS channel (the number becomes unroutable until bound again)',
      middleware: admin,
      request: { params: ChannelParams },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { id, channelId } = c.req.valid('param');
      await loadChannel(id, channelId);
      await deps.db.delete(smsChannels).where(eq(smsChannels.id, channelId));
      return c.body(null, 204);
    },
  );

  return app;
}

import { z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import { auditLog, type BuiltinBotConfig, bots, type WebhookBotConfig } from '../../../db/schema/index.js';
import { webhookUrlRefusal } from '../../../lib/egress-http.js';
import { encryptSecret, keyringFromConfig, secretHint } from '../../../lib/secrets.js';
import { guard } from '../../auth.js';
import type { ApiDeps } from '../../deps.js';
import {
  conflict,
  createSetupRouter,
  fieldProblem,
  IdParam,
  jsonBody,
  jsonResponse,
  noContent,
  setupRoute,
  unknownId,
} from './common.js';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

const BuiltinConfig = z
  .object({
    greeting: text(1600).optional(),
    answers: z
      .array(
        z.object({ keywords: z.array(text(100)).min(1, 'needs at least one keyword'), reply: text(1600) }).strict(),
      )
      .max(200)
      .default([]),
    escalationPhrases: z.array(text(200)).max(100).default([]),
    fallbackReply: text(1600).optional(),
  })
  .strict()
  .openapi('BuiltinBotConfig');

const webhookFields = {
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2000)
    .openapi({
      description:
        'https; loopback, private, link-local and metadata addresses are refused (also after DNS resolution, on ' +
        'every call) unless BOT_ALLOWED_HOSTS names the host, which also permits plain http',
    }),
  secret: z
    .string()
    .min(16, 'must be at least 16 characters')
    .max(512)
    .openapi({ description: 'Signs requests to the bot. Write-only; responses show secretHint.', writeOnly: true }),
  timeoutMs: z.number().int().min(100).max(30000),
};

const BotCreate = z
  .discriminatedUnion('kind', [
    z
      .object({ name: text(200), kind: z.literal('builtin'), config: BuiltinConfig })
      .strict()
      .openapi('BuiltinBotCreate'),
    z
      .object({
        name: text(200),
        kind: z.literal('webhook'),
        url: webhookFields.url,
        secret: webhookFields.secret,
        timeoutMs: webhookFields.timeoutMs.default(5000),
      })
      .strict()
      .openapi('WebhookBotCreate'),
  ])
  .openapi('BotCreate');

const BotUpdate = z
  .object({
    name: text(200).optional(),
    kind: z.enum(['builtin', 'webhook']).optional().openapi({ description: 'Immutable: only the current value' }),
    config: BuiltinConfig.optional().openapi({ description: 'builtin bots: replaces the whole config' }),
    url: webhookFields.url.optional(),
    secret: webhookFields.secret.optional().openapi({ description: 'webhook bots: rotate the secret' }),
    timeoutMs: webhookFields.timeoutMs.optional(),
  })
  .strict()
  .openapi('BotUpdate');

const Bot = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(['builtin', 'webhook']),
    config: z.record(z.string(), z.unknown()).optional(),
    url: z.string().optional(),
    timeoutMs: z.number().int().optional(),
    secretHint: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Bot');

/** Webhook bots keep the secret's hint next to url and timeout (the row's config); the secret itself is encrypted. */
type StoredWebhookConfig = WebhookBotConfig & { secretHint?: string };
type Row = typeof bots.$inferSelect;

const view = (r: Row): z.infer<typeof Bot> => {
  const base = {
    id: r.id,
    name: r.name,
    kind: r.kind,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
  if (r.kind === 'webhook') {
    const cfg = r.config as StoredWebhookConfig;
    return { ...base, url: cfg.url, timeoutMs: cfg.timeoutMs, secretHint: cfg.secretHint ?? '…' };
  }
  return { ...base, config: r.config as BuiltinBotConfig };
};

export function botRoutes(deps: ApiDeps) {
  const app = createSetupRouter();
  const keyring = keyringFromConfig(deps.config);
  const admin = guard(deps, 'admin');
  const readers = guard(deps, 'admin', 'supervisor');

  /** Refused at save what the activity would refuse at call time (addresses behind DNS names are checked then). */
  const assertBotUrl = (url: string) => {
    const refusal = webhookUrlRefusal(url, deps.config.BOT_ALLOWED_HOSTS);
    if (refusal) throw fieldProblem('url', refusal);
  };

  async function load(id: string): Promise<Row> {
    const row = await deps.db.query.bots.findFirst({ where: eq(bots.id, id) });
    if (!row) throw unknownId('bot', id);
    return row;
  }

  app.openapi(
    setupRoute({
      method: 'post',
      path: '/bots',
      operationId: 'createBot',
      tags: ['Bots'],
      summary: 'Create a bot: builtin (keyword answers) or webhook (your HTTPS endpoint)',
      middleware: admin,
      request: { body: jsonBody(BotCreate) },
      responses: { 201: jsonResponse(Bot, 'Created') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      if (body.kind === 'webhook') assertBotUrl(body.url);
      const actorId = c.get('user').id;
      const row = await deps.db.transaction(async (tx) => {
        const values =
          body.kind === 'builtin'
            ? { name: body.name, kind: body.kind, config: body.config as BuiltinBotConfig }
            : {
                name: body.name,
                kind: body.kind,
                config: { url: body.url, timeoutMs: body.timeoutMs, secretHint: secretHint(body.secret) },
                secretCiphertext: encryptSecret(body.secret, keyring),
              };
        const [created] = await tx.insert(bots).values(values).returning();
        if (body.kind === 'webhook') {
          await tx.insert(auditLog).values({
            actorId,
            action: 'bot.secret_set',
            targetType: 'bot',
            targetId: created!.id,
            details: { secretHint: secretHint(body.secret), keyId: keyring.currentId },
          });
        }
        return created!;
      });
      return c.json(view(row), 201);
    },
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/bots',
      operationId: 'listBots',
      tags: ['Bots'],
      summary: 'List bots',
      middleware: readers,
      responses: { 200: jsonResponse(z.object({ items: z.array(Bot) }), 'Bots') },
    }),
    async (c) => {
      const rows = await deps.db.query.bots.findMany({ orderBy: [asc(bots.name), asc(bots.id)] });
      return c.json({ items: rows.map(view) }, 200);
    },
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/bots/{id}',
      operationId: 'getBot',
      tags: ['Bots'],
      summary: 'One bot',
      middleware: readers,
      request: { params: IdParam },
      responses: { 200: jsonResponse(Bot, 'The bot') },
    }),
    async (c) => c.json(view(await load(c.req.valid('param').id)), 200),
  );

  app.openapi(
    setupRoute({
      method: 'patch',
      path: '/bots/{id}',
      operationId: 'updateBot',
      tags: ['Bots'],
      summary: "Rename, change a builtin bot's config, or a webhook bot's url, timeout or secret",
      middleware: admin,
      request: { params: IdParam, body: jsonBody(BotUpdate) },
      responses: { 200: jsonResponse(Bot, 'Updated') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const current = await load(id);
      if (body.kind && body.kind !== current.kind) {
        throw conflict(`kind is immutable: bot ${id} is a ${current.kind} bot; create a new bot instead`, 'kind');
      }
      const set: Partial<typeof bots.$inferInsert> = { updatedAt: new Date() };
      if (body.name !== undefined) set.name = body.name;
      if (current.kind === 'builtin') {
        for (const k of ['url', 'secret', 'timeoutMs'] as const) {
          if (body[k] !== undefined) throw fieldProblem(k, 'applies only to webhook bots');
        }
        if (body.config) set.config = body.config as BuiltinBotConfig;
      } else {
        if (body.config) throw fieldProblem('config', 'applies only to builtin bots');
        const cfg = { ...(current.config as StoredWebhookConfig) };
        if (body.url !== undefined) {
          assertBotUrl(body.url);
          cfg.url = body.url;
        }
        if (body.timeoutMs !== undefined) cfg.timeoutMs = body.timeoutMs;
        if (body.secret !== undefined) {
          cfg.secretHint = secretHint(body.secret);
          set.secretCiphertext = encryptSecret(body.secret, keyring);
        }
        set.config = cfg;
      }
      const row = await deps.db.transaction(async (tx) => {
        const [updated] = await tx.update(bots).set(set).where(eq(bots.id, id)).returning();
        if (body.secret !== undefined) {
          await tx.insert(auditLog).values({
            actorId: c.get('user').id,
            action: 'bot.secret_rotated',
            targetType: 'bot',
            targetId: id,
            details: { secretHint: secretHint(body.secret), keyId: keyring.currentId },
          });
        }
        return updated!;
      });
      return c.json(view(row), 200);
    },
  );

  app.openapi(
    setupRoute({
      method: 'delete',
      path: '/bots/{id}',
      operationId: 'deleteBot',
      tags: ['Bots'],
      summary: 'Delete a bot (workstreams using it continue without a bot)',
      middleware: admin,
      request: { params: IdParam },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await load(id);
      await deps.db.delete(bots).where(eq(bots.id, id));
      return c.body(null, 204);
    },
  );

  return app;
}

import type { z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import { auditLog, type BuiltinBotConfig, bots, type WebhookBotConfig } from '../../../db/schema/index.js';
import { webhookUrlRefusal } from '../../../lib/egress-http.js';
import { encryptSecret, keyringFromConfig, secretHint } from '../../../lib/secrets.js';
import type { ApiDeps } from '../../deps.js';
import type { CrudHandlers } from '../../lib/crud-routes.js';
import { conflict, type Executor, fieldProblem, loadOr404 } from '../../lib/route-helpers.js';
import type { Bot, botRoutes } from './bots.routes.js';

type Handlers = CrudHandlers<typeof botRoutes>;

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

/** Refused at save what the activity would refuse at call time (addresses behind DNS names are checked then). */
const assertBotUrl = (deps: ApiDeps, url: string) => {
  const refusal = webhookUrlRefusal(url, deps.config.BOT_ALLOWED_HOSTS);
  if (refusal) throw fieldProblem('url', refusal);
};

const load = (db: Executor, id: string) => loadOr404(db.query.bots.findFirst({ where: eq(bots.id, id) }), 'bot', id);

const create: Handlers['create'] = async (c) => {
  const deps = c.var.deps;
  const body = c.req.valid('json');
  if (body.kind === 'webhook') assertBotUrl(deps, body.url);
  const actorId = c.get('user').id;
  const row = await deps.db.transaction(async (tx) => {
    const values =
      body.kind === 'builtin'
        ? { name: body.name, kind: body.kind, config: body.config as BuiltinBotConfig }
        : {
            name: body.name,
            kind: body.kind,
            config: { url: body.url, timeoutMs: body.timeoutMs, secretHint: secretHint(body.secret) },
            secretCiphertext: encryptSecret(body.secret, keyringFromConfig(deps.config)),
          };
    const [created] = await tx.insert(bots).values(values).returning();
    if (body.kind === 'webhook') {
      await tx.insert(auditLog).values({
        actorId,
        action: 'bot.secret_set',
        targetType: 'bot',
        targetId: created!.id,
        details: { secretHint: secretHint(body.secret), keyId: keyringFromConfig(deps.config).currentId },
      });
    }
    return created!;
  });
  return c.json(view(row), 201);
};

const list: Handlers['list'] = async (c) => {
  const deps = c.var.deps;
  const rows = await deps.db.query.bots.findMany({ orderBy: [asc(bots.name), asc(bots.id)] });
  return c.json({ items: rows.map(view) }, 200);
};

const get: Handlers['get'] = async (c) => {
  return c.json(view(await load(c.var.deps.db, c.req.valid('param').id)), 200);
};

const update: Handlers['update'] = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  const current = await load(c.var.deps.db, id);
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
      assertBotUrl(deps, body.url);
      cfg.url = body.url;
    }
    if (body.timeoutMs !== undefined) cfg.timeoutMs = body.timeoutMs;
    if (body.secret !== undefined) {
      cfg.secretHint = secretHint(body.secret);
      set.secretCiphertext = encryptSecret(body.secret, keyringFromConfig(deps.config));
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
        details: { secretHint: secretHint(body.secret), keyId: keyringFromConfig(deps.config).currentId },
      });
    }
    return updated!;
  });
  return c.json(view(row), 200);
};

const remove: Handlers['remove'] = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  await load(c.var.deps.db, id);
  await deps.db.delete(bots).where(eq(bots.id, id));
  return c.body(null, 204);
};

export const botHandlers: Handlers = { list, get, create, update, remove };

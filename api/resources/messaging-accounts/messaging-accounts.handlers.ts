import type { z } from '@hono/zod-openapi';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { auditLog, messagingAccounts, phoneNumbers, smsChannels } from '../../../db/schema/index.js';
import { providerAllowlistFromConfig } from '../../../lib/egress-allowlist.js';
import {
  decryptSecret,
  encryptSecret,
  keyringFromConfig,
  needsReencryption,
  secretHint,
} from '../../../lib/secrets.js';
import { redactSecrets, validateTelesignCredentials } from '../../../telesign/validate-credentials.js';
import type { ApiDeps } from '../../deps.js';
import type { CrudHandlers } from '../../lib/crud-routes.js';
import {
  type AppRouteHandler,
  conflict,
  type Executor,
  fieldProblem,
  loadOr404,
  unknownId,
} from '../../lib/route-helpers.js';
import type {
  Account,
  messagingAccountRoutes,
  validateMessagingAccount as validateRoute,
} from './messaging-accounts.routes.js';

type Handlers = CrudHandlers<typeof messagingAccountRoutes>;

type Row = typeof messagingAccounts.$inferSelect;

export function callbackUrl(deps: Pick<ApiDeps, 'config'>, accountId: string): string {
  return `${deps.config.PUBLIC_BASE_URL}/webhooks/telesign/${accountId}`;
}

/** The API key may only be stored for a host that may receive it. */
const assertAllowedEndpoint = (deps: ApiDeps, endpoint: string | null | undefined) => {
  const refusal = endpoint ? providerAllowlistFromConfig(deps.config).refusal(endpoint) : null;
  if (refusal) throw fieldProblem('restEndpoint', refusal);
};

const view = (deps: Pick<ApiDeps, 'config'>, r: Row): z.infer<typeof Account> => ({
  id: r.id,
  name: r.name,
  provider: r.provider,
  customerId: r.customerId,
  apiKeyHint: r.apiKeyHint,
  restEndpoint: r.restEndpoint,
  callbackUrl: callbackUrl(deps, r.id),
  enabled: r.enabled,
  validation: {
    status: r.validationStatus,
    ...(r.validationReason ? { reason: r.validationReason } : {}),
    ...(r.validationCheckedAt ? { checkedAt: r.validationCheckedAt.toISOString() } : {}),
  },
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

const load = (db: Executor, id: string) =>
  loadOr404(db.query.messagingAccounts.findFirst({ where: eq(messagingAccounts.id, id) }), 'messaging account', id);

const create: Handlers['create'] = async (c) => {
  const deps = c.var.deps;
  const body = c.req.valid('json');
  assertAllowedEndpoint(c.var.deps, body.restEndpoint);
  const actorId = c.get('user').id;
  const row = await deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(messagingAccounts)
      .values({
        name: body.name,
        provider: body.provider,
        customerId: body.customerId,
        apiKeyCiphertext: encryptSecret(body.apiKey, keyringFromConfig(c.var.deps.config)),
        apiKeyHint: secretHint(body.apiKey),
        restEndpoint: body.restEndpoint ?? null,
        enabled: body.enabled,
      })
      .returning();
    await tx.insert(auditLog).values({
      actorId,
      action: 'messaging_account.api_key_set',
      targetType: 'messaging_account',
      targetId: created!.id,
      details: {
        apiKeyHint: created!.apiKeyHint,
        keyId: keyringFromConfig(c.var.deps.config).currentId,
        name: created!.name,
      },
    });
    return created!;
  });
  deps.logger.info({ accountId: row.id, actorId, apiKeyHint: row.apiKeyHint }, 'messaging account created');
  return c.json(view(c.var.deps, row), 201);
};

const list: Handlers['list'] = async (c) => {
  const deps = c.var.deps;
  const rows = await deps.db.query.messagingAccounts.findMany({ orderBy: asc(messagingAccounts.createdAt) });
  return c.json({ items: rows.map((r) => view(deps, r)) }, 200);
};

const get: Handlers['get'] = async (c) => {
  return c.json(view(c.var.deps, await load(c.var.deps.db, c.req.valid('param').id)), 200);
};

const update: Handlers['update'] = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  assertAllowedEndpoint(c.var.deps, body.restEndpoint);
  const actorId = c.get('user').id;
  const before = await load(c.var.deps.db, id);
  const set: Partial<typeof messagingAccounts.$inferInsert> = { updatedAt: new Date() };
  if (body.name !== undefined) set.name = body.name;
  if (body.enabled !== undefined) set.enabled = body.enabled;
  if (body.customerId !== undefined) set.customerId = body.customerId;
  if (body.restEndpoint !== undefined) set.restEndpoint = body.restEndpoint;
  if (body.apiKey !== undefined) {
    set.apiKeyCiphertext = encryptSecret(body.apiKey, keyringFromConfig(c.var.deps.config));
    set.apiKeyHint = secretHint(body.apiKey);
  }
  // New credentials or a new host make the last validation meaningless.
  const credentialsChanged =
    (body.customerId !== undefined && body.customerId !== before.customerId) ||
    body.apiKey !== undefined ||
    (body.restEndpoint !== undefined && body.restEndpoint !== before.restEndpoint);
  if (credentialsChanged) {
    set.validationStatus = 'unvalidated';
    set.validationReason = null;
    set.validationCheckedAt = null;
  }
  const changed = Object.keys(body).filter((k) => k !== 'apiKey');
  const row = await deps.db.transaction(async (tx) => {
    const [updated] = await tx.update(messagingAccounts).set(set).where(eq(messagingAccounts.id, id)).returning();
    if (!updated) throw unknownId('messaging account', id);
    if (body.apiKey !== undefined) {
      await tx.insert(auditLog).values({
        actorId,
        action: 'messaging_account.api_key_rotated',
        targetType: 'messaging_account',
        targetId: id,
        details: {
          apiKeyHint: updated.apiKeyHint,
          previousHint: before.apiKeyHint,
          keyId: keyringFromConfig(c.var.deps.config).currentId,
        },
      });
    }
    if (changed.length > 0) {
      await tx.insert(auditLog).values({
        actorId,
        action: 'messaging_account.updated',
        targetType: 'messaging_account',
        targetId: id,
        details: { fields: changed },
      });
    }
    return updated;
  });
  deps.logger.info(
    { accountId: id, actorId, fields: changed, apiKeyRotated: body.apiKey !== undefined },
    'messaging account updated',
  );
  return c.json(view(c.var.deps, row), 200);
};

const remove: Handlers['remove'] = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  await load(c.var.deps.db, id);
  const numberIds = (
    await deps.db.select({ id: phoneNumbers.id }).from(phoneNumbers).where(eq(phoneNumbers.accountId, id))
  ).map((r) => r.id);
  if (numberIds.length > 0) {
    const [used] = await deps.db
      .select({ n: count() })
      .from(smsChannels)
      .where(inArray(smsChannels.phoneNumberId, numberIds));
    if (used && used.n > 0) {
      throw conflict(
        `messaging account ${id} has ${used.n} number(s) serving SMS channels; delete those channels first`,
      );
    }
  }
  await deps.db.transaction(async (tx) => {
    await tx.delete(messagingAccounts).where(eq(messagingAccounts.id, id));
    await tx.insert(auditLog).values({
      actorId: c.get('user').id,
      action: 'messaging_account.deleted',
      targetType: 'messaging_account',
      targetId: id,
    });
  });
  return c.body(null, 204);
};

export const validateMessagingAccount: AppRouteHandler<typeof validateRoute> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const account = await load(c.var.deps.db, id);
  const plainKey = decryptSecret(account.apiKeyCiphertext, keyringFromConfig(c.var.deps.config));
  const host = account.restEndpoint ?? deps.config.TELESIGN_BASE_URL;
  // The client itself refuses a host off the allowlist (one dropped from TELESIGN_ALLOWED_HOSTS since it was
  // saved), before anything is sent.
  const result = await validateTelesignCredentials({
    baseUrl: host,
    allowlist: providerAllowlistFromConfig(deps.config),
    customerId: account.customerId,
    apiKey: plainKey,
    timeoutMs: 5000,
  });
  const checkedAt = new Date();
  const set: Partial<typeof messagingAccounts.$inferInsert> = {
    validationStatus: result.valid ? 'valid' : 'invalid',
    validationReason: result.valid ? null : result.reason,
    validationCheckedAt: checkedAt,
  };
  // Validation is a natural moment to move an envelope made with a retired key onto the current key.
  if (needsReencryption(account.apiKeyCiphertext, keyringFromConfig(c.var.deps.config)))
    set.apiKeyCiphertext = encryptSecret(plainKey, keyringFromConfig(c.var.deps.config));
  await deps.db
    .update(messagingAccounts)
    .set(set)
    .where(and(eq(messagingAccounts.id, id), eq(messagingAccounts.apiKeyCiphertext, account.apiKeyCiphertext)));
  const provider = result.providerError;
  deps.logger.info(
    {
      accountId: id,
      valid: result.valid,
      reason: result.reason,
      host,
      ...(provider
        ? {
            provider: {
              ...provider,
              description: redactSecrets(provider.description, [plainKey, `${account.customerId}:${plainKey}`]),
            },
          }
        : {}),
    },
    'messaging account validated',
  );
  return c.json(
    {
      valid: result.valid,
      reason: result.reason,
      ...(!result.valid && result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
      host,
      checkedAt: checkedAt.toISOString(),
    },
    200,
  );
};

export const messagingAccountHandlers: Handlers = { list, get, create, update, remove };

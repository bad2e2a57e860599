import { z } from '@hono/zod-openapi';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { auditLog, messagingAccounts, phoneNumbers, smsChannels } from '../../../db/schema/index.js';
import { parseOrigin, providerAllowlistFromConfig } from '../../../lib/egress-allowlist.js';
import {
  decryptSecret,
  encryptSecret,
  keyringFromConfig,
  needsReencryption,
  secretHint,
} from '../../../lib/secrets.js';
import {
  CREDENTIALS_REASONS,
  redactSecrets,
  validateTelesignCredentials,
} from '../../../telesign/validate-credentials.js';
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

const apiKey = z
  .string()
  .min(16, 'must be at least 16 characters (the TeleSign API key from the portal)')
  .max(512, 'must be at most 512 characters')
  .regex(/^\S+$/, 'must not contain spaces')
  .openapi({
    description: 'TeleSign API key. Write-only: never returned; responses show apiKeyHint.',
    writeOnly: true,
  });

/** The shape is checked here; whether the host may receive the key (the allowlist) is checked by the handlers. */
const restEndpoint = z
  .string()
  .max(300, 'must be at most 300 characters')
  .transform((v, ctx) => {
    const r = parseOrigin(v);
    if (r.ok) return r.origin;
    ctx.addIssue({ code: 'custom', message: r.reason });
    return z.NEVER;
  })
  .openapi({
    description:
      "TeleSign REST host for this account (an https origin on the allowlist: TeleSign's published hosts, " +
      'TELESIGN_BASE_URL and TELESIGN_ALLOWED_HOSTS); defaults to TELESIGN_BASE_URL',
    type: 'string',
    example: 'https://rest-ww.telesign.com',
  });

const customerId = z
  .string()
  .min(1, 'is required')
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, 'must contain only letters, digits and dashes (TeleSign Customer ID)');

const AccountCreate = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200),
    provider: z.literal('telesign', { error: 'must be "telesign"' }).default('telesign'),
    customerId,
    apiKey,
    restEndpoint: restEndpoint.nullish(),
    enabled: z.boolean().default(true),
  })
  .strict()
  .openapi('MessagingAccountCreate');

const AccountUpdate = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200).optional(),
    customerId: customerId.optional(),
    apiKey: apiKey.optional().openapi({ description: 'Rotate the API key (write-only)' }),
    restEndpoint: restEndpoint.nullish(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .openapi('MessagingAccountUpdate');

const Account = z
  .object({
    id: z.uuid(),
    name: z.string(),
    provider: z.string(),
    customerId: z.string(),
    apiKeyHint: z.string().openapi({ example: '…abcd' }),
    restEndpoint: z.string().nullable(),
    callbackUrl: z.string().openapi({ description: 'Give this URL to TeleSign support as the inbound/DLR callback' }),
    enabled: z.boolean(),
    validation: z.object({
      status: z.enum(['unvalidated', 'valid', 'invalid']),
      reason: z.string().optional(),
      checkedAt: z.string().optional(),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('MessagingAccount');

const ValidationResult = z
  .object({
    valid: z.boolean(),
    reason: z.enum(CREDENTIALS_REASONS).openapi({
      description: "Why; the provider's own answer is never returned (it goes to the server log, redacted)",
    }),
    statusCode: z.number().int().optional().openapi({ description: 'The documented TeleSign code behind reason' }),
    host: z.string(),
    checkedAt: z.string(),
  })
  .openapi('MessagingAccountValidation');

type Row = typeof messagingAccounts.$inferSelect;

export function callbackUrl(deps: Pick<ApiDeps, 'config'>, accountId: string): string {
  return `${deps.config.PUBLIC_BASE_URL}/webhooks/telesign/${accountId}`;
}

export function messagingAccountRoutes(deps: ApiDeps) {
  const app = createSetupRouter();
  const keyring = keyringFromConfig(deps.config);
  const allowlist = providerAllowlistFromConfig(deps.config);
  const admin = guard(deps, 'admin');

  /** The API key may only be stored for a host that may receive it. */
  const assertAllowedEndpoint = (endpoint: string | null | undefined) => {
    const refusal = endpoint ? allowlist.refusal(endpoint) : null;
    if (refusal) throw fieldProblem('restEndpoint', refusal);
  };

  const view = (r: Row): z.infer<typeof Account> => ({
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

  async function load(id: string): Promise<Row> {
    const row = await deps.db.query.messagingAccounts.findFirst({ where: eq(messagingAccounts.id, id) });
    if (!row) throw unknownId('messaging account', id);
    return row;
  }

  app.openapi(
    setupRoute({
      method: 'post',
      path: '/messaging-accounts',
      operationId: 'createMessagingAccount',
      tags: ['Messaging accounts'],
      summary: 'Add a TeleSign messaging account',
      middleware: admin,
      request: { body: jsonBody(AccountCreate) },
      responses: { 201: jsonResponse(Account, 'Created; apiKey is never returned') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      assertAllowedEndpoint(body.restEndpoint);
      const actorId = c.get('user').id;
      const row = await deps.db.transaction(async (tx) => {
        const [created] = await tx
          .insert(messagingAccounts)
          .values({
            name: body.name,
            provider: body.provider,
            customerId: body.customerId,
            apiKeyCiphertext: encryptSecret(body.apiKey, keyring),
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
          details: { apiKeyHint: created!.apiKeyHint, keyId: keyring.currentId, name: created!.name },
        });
        return created!;
      });
      deps.logger.info({ accountId: row.id, actorId, apiKeyHint: row.apiKeyHint }, 'messaging account created');
      return c.json(view(row), 201);
    },
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/messaging-accounts',
      operationId: 'listMessagingAccounts',
      tags: ['Messaging accounts'],
      summary: 'List messaging accounts',
      middleware: admin,
      responses: { 200: jsonResponse(z.object({ items: z.array(Account) }), 'All accounts') },
    }),
    async (c) => {
      const rows = await deps.db.query.messagingAccounts.findMany({ orderBy: asc(messagingAccounts.createdAt) });
      return c.json({ items: rows.map(view) }, 200);
    },
  );

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/messaging-accounts/{id}',
      operationId: 'getMessagingAccount',
      tags: ['Messaging accounts'],
      summary: 'One messaging account',
      middleware: admin,
      request: { params: IdParam },
      responses: { 200: jsonResponse(Account, 'The account') },
    }),
    async (c) => c.json(view(await load(c.req.valid('param').id)), 200),
  );

  app.openapi(
    setupRoute({
      method: 'patch',
      path: '/messaging-accounts/{id}',
      operationId: 'updateMessagingAccount',
      tags: ['Messaging accounts'],
      summary: 'Rename, enable/disable, change host or customer ID, or rotate the API key',
      middleware: admin,
      request: { params: IdParam, body: jsonBody(AccountUpdate) },
      responses: { 200: jsonResponse(Account, 'Updated account') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      assertAllowedEndpoint(body.restEndpoint);
      const actorId = c.get('user').id;
      const before = await load(id);
      const set: Partial<typeof messagingAccounts.$inferInsert> = { updatedAt: new Date() };
      if (body.name !== undefined) set.name = body.name;
      if (body.enabled !== undefined) set.enabled = body.enabled;
      if (body.customerId !== undefined) set.customerId = body.customerId;
      if (body.restEndpoint !== undefined) set.restEndpoint = body.restEndpoint;
      if (body.apiKey !== undefined) {
        set.apiKeyCiphertext = encryptSecret(body.apiKey, keyring);
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
            details: { apiKeyHint: updated.apiKeyHint, previousHint: before.apiKeyHint, keyId: keyring.currentId },
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
      return c.json(view(row), 200);
    },
  );

  app.openapi(
    setupRoute({
      method: 'delete',
      path: '/messaging-accounts/{id}',
      operationId: 'deleteMessagingAccount',
      tags: ['Messaging accounts'],
      summary: 'Delete an account and its numbers (refused while a number serves an SMS channel)',
      middleware: admin,
      request: { params: IdParam },
      responses: { 204: noContent },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await load(id);
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
    },
  );

  app.openapi(
    setupRoute({
      method: 'post',
      path: '/messaging-accounts/{id}/validate',
      operationId: 'validateMessagingAccount',
      tags: ['Messaging accounts'],
      summary: "Check the credentials with a live call to the account's TeleSign host (sends no message)",
      middleware: admin,
      request: { params: IdParam },
      responses: { 200: jsonResponse(ValidationResult, 'Outcome, also stored on the account') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const account = await load(id);
      const plainKey = decryptSecret(account.apiKeyCiphertext, keyring);
      const host = account.restEndpoint ?? deps.config.TELESIGN_BASE_URL;
      // The client itself refuses a host off the allowlist (one dropped from TELESIGN_ALLOWED_HOSTS since it was
      // saved), before anything is sent.
      const result = await validateTelesignCredentials({
        baseUrl: host,
        allowlist,
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
      if (needsReencryption(account.apiKeyCiphertext, keyring)) set.apiKeyCiphertext = encryptSecret(plainKey, keyring);
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
    },
  );

  return app;
}

import { z } from '@hono/zod-openapi';
import { VALIDATION_STATUSES } from '../../../domain/vocabulary.js';
import { parseOrigin } from '../../../lib/egress-allowlist.js';
import { CREDENTIALS_REASONS } from '../../../telesign/validate-credentials.js';
import { crudRoutes } from '../../lib/crud-routes.js';
import { operationsOf } from '../../lib/operations.js';
import { allow, IdParam, nameField } from '../../lib/route-helpers.js';

export const apiKey = z
  .string()
  .min(16, 'must be at least 16 characters (the TeleSign API key from the portal)')
  .max(512, 'must be at most 512 characters')
  .regex(/^\S+$/, 'must not contain spaces')
  .openapi({
    description: 'TeleSign API key. Write-only: never returned; responses show apiKeyHint.',
    writeOnly: true,
  });

/** The shape is checked here; whether the host may receive the key (the allowlist) is checked by the handlers. */
export const restEndpoint = z
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

export const customerId = z
  .string()
  .min(1, 'is required')
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, 'must contain only letters, digits and dashes (TeleSign Customer ID)');

export const AccountCreate = z
  .object({
    name: nameField,
    provider: z.literal('telesign', { error: 'must be "telesign"' }).default('telesign'),
    customerId,
    apiKey,
    restEndpoint: restEndpoint.nullish(),
    enabled: z.boolean().default(true),
  })
  .strict()
  .openapi('MessagingAccountCreate');

export const AccountUpdate = z
  .object({
    name: nameField.optional(),
    customerId: customerId.optional(),
    apiKey: apiKey.optional().openapi({ description: 'Rotate the API key (write-only)' }),
    restEndpoint: restEndpoint.nullish(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .openapi('MessagingAccountUpdate');

export const Account = z
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
      status: z.enum(VALIDATION_STATUSES),
      reason: z.string().optional(),
      checkedAt: z.string().optional(),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('MessagingAccount');

export const ValidationResult = z
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

const admin = allow('admin');

export const messagingAccountRoutes = crudRoutes({
  names: { tag: 'Messaging accounts', name: 'MessagingAccount', one: 'messaging account' },
  schemas: { entity: Account, create: AccountCreate, update: AccountUpdate },
  created: { schema: Account, description: 'Created; apiKey is never returned' },
  guards: { read: admin, write: admin },
  summaries: {
    create: 'Add a TeleSign messaging account',
    update: 'Rename, enable/disable, change host or customer ID, or rotate the API key',
    remove: 'Delete an account and its numbers (refused while a number serves an SMS channel)',
  },
});

const op = operationsOf({ tag: 'Messaging accounts', guard: admin });

export const validateMessagingAccount = op.post('/{id}/validate', 'validateMessagingAccount', {
  summary: "Check the credentials with a live call to the account's TeleSign host (sends no message)",
  params: IdParam,
  ok: [ValidationResult, 'Outcome, also stored on the account'],
});

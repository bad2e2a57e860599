import { z } from '@hono/zod-openapi';
import { SMS_MAX_CHARACTERS } from '../../../domain/sms-limits.js';
import { BOT_KINDS } from '../../../domain/vocabulary.js';
import { crudRoutes } from '../../lib/crud-routes.js';
import { oneOf } from '../../lib/route-helpers.js';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

export const BuiltinConfig = z
  .object({
    greeting: text(SMS_MAX_CHARACTERS).optional(),
    answers: z
      .array(
        z
          .object({
            keywords: z.array(text(100)).min(1, 'needs at least one keyword'),
            reply: text(SMS_MAX_CHARACTERS),
          })
          .strict(),
      )
      .max(200)
      .default([]),
    escalationPhrases: z.array(text(200)).max(100).default([]),
    fallbackReply: text(SMS_MAX_CHARACTERS).optional(),
  })
  .strict()
  .openapi('BuiltinBotConfig');

export const webhookFields = {
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

export const BotCreate = z
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

export const BotUpdate = z
  .object({
    name: text(200).optional(),
    kind: oneOf(BOT_KINDS).optional().openapi({ description: 'Immutable: only the current value' }),
    config: BuiltinConfig.optional().openapi({ description: 'builtin bots: replaces the whole config' }),
    url: webhookFields.url.optional(),
    secret: webhookFields.secret.optional().openapi({ description: 'webhook bots: rotate the secret' }),
    timeoutMs: webhookFields.timeoutMs.optional(),
  })
  .strict()
  .openapi('BotUpdate');

export const Bot = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(BOT_KINDS),
    config: z.record(z.string(), z.unknown()).optional(),
    url: z.string().optional(),
    timeoutMs: z.number().int().optional(),
    secretHint: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Bot');

export const botRoutes = crudRoutes({
  names: { tag: 'Bots', name: 'Bot', one: 'bot' },
  schemas: { entity: Bot, create: BotCreate, update: BotUpdate },
  summaries: {
    create: 'Create a bot: builtin (keyword answers) or webhook (your HTTPS endpoint)',
    update: "Rename, change a builtin bot's config, or a webhook bot's url, timeout or secret",
    remove: 'Delete a bot (workstreams using it continue without a bot)',
  },
});

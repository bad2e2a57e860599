import { z } from '@hono/zod-openapi';
import { crudRoutes } from '../../lib/crud-routes.js';
import { allow } from '../../lib/route-helpers.js';
import { SmsText } from '../conversations/conversations.schemas.js';
import { Language } from '../customers/customers.routes.js';

/** Canned answers agents insert with `/` in the composer. Placeholders are filled in by the client. */

export const QUICK_REPLY_PLACEHOLDERS = ['{CustomerName}', '{AgentName}', '{QueueName}'] as const;
export const TITLE_MAX = 100;

const iso = z.string().openapi({ format: 'date-time' });

const Text = SmsText.openapi({
  description: `May contain ${QUICK_REPLY_PLACEHOLDERS.join(', ')}`,
  example: 'Hello {CustomerName}, this is {AgentName} from {QueueName}.',
});
const Title = z.string().trim().min(1, 'must not be empty').max(TITLE_MAX, `must be at most ${TITLE_MAX} characters`);

export const QuickReply = z
  .object({
    id: z.string(),
    title: z.string(),
    text: z.string(),
    queueId: z.string().nullable().openapi({ description: 'null: every queue' }),
    language: z.string().nullable().openapi({ description: 'null: every language' }),
    createdAt: iso,
    updatedAt: iso,
  })
  .openapi('QuickReply');

export const QuickReplyCreate = z
  .object({
    title: Title,
    text: Text,
    queueId: z.uuid().nullable().default(null),
    language: Language.nullable().default(null),
  })
  .strict()
  .openapi('QuickReplyCreate');

export const QuickReplyPatch = z
  .object({
    title: Title.optional(),
    text: Text.optional(),
    queueId: z.uuid().nullable().optional(),
    language: Language.nullable().optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (Object.values(b).every((v) => v === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give at least one of title, text, queueId, language', path: [] });
    }
  })
  .openapi('QuickReplyPatch');

export const quickReplyRoutes = crudRoutes({
  names: { tag: 'Quick replies', name: ['QuickReply', 'QuickReplies'], one: 'quick reply' },
  schemas: { entity: QuickReply, create: QuickReplyCreate, update: QuickReplyPatch },
  guards: { read: allow('agent', 'supervisor', 'admin'), write: allow('supervisor', 'admin') },
  summaries: {
    list: 'Quick replies, by title (agents: the global ones and those of their queues)',
    create: 'Create a quick reply (supervisors, admins)',
    update: 'Change a quick reply (supervisors, admins)',
    remove: 'Delete a quick reply (supervisors, admins)',
  },
  listDescription:
    '`queueId` keeps global replies and those of that queue; `language` keeps replies for every language and that ' +
    'one; `q` matches a part of the title or text (case-insensitive, any script).',
  listQuery: z.object({
    queueId: z.uuid().optional(),
    language: Language.optional(),
    q: z.string().trim().max(100).optional(),
  }),
});

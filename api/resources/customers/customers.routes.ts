import { z } from '@hono/zod-openapi';
import { CONVERSATION_STATES, RESOLUTIONS } from '../../../domain/vocabulary.js';
import { operationsOf } from '../../lib/operations.js';
import { allow } from '../../lib/route-helpers.js';
import { MessageSchema } from '../conversations/conversations.schemas.js';

/** Customer profiles: who texts us, with tags the routing rules read (customer.tag), consent and history. */

const iso = z.string().openapi({ format: 'date-time' });

/** Digits with the country code, as TeleSign sends them (short codes have 5 or 6). */
export const CustomerNumber = z
  .string()
  .regex(/^[1-9][0-9]{4,14}$/, 'must be 5 to 15 digits with the country code, no + or spaces')
  .openapi({ example: '359888123456' });

export const TAG_MAX = 64;
export const TAGS_MAX = 30;
/** One tag: trimmed, lower-cased (the routing rules compare tags case-insensitively anyway), letters, digits, - _ . : */
export const Tag = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(TAG_MAX, `must be at most ${TAG_MAX} characters`)
  // A refinement, not a pattern: OpenAPI patterns carry no `u` flag for \p{L}.
  .refine((s) => /^[\p{L}\p{N}_.:-]+$/u.test(s), 'may contain only letters, digits and - _ . :')
  .transform((s) => s.toLowerCase())
  .openapi({ example: 'vip' });

/** BCP 47 language tag (en, bg, pt-BR). */
export const Language = z
  .string()
  .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a language tag such as en, bg or pt-BR')
  .max(35)
  .openapi({ example: 'bg' });

export const NAME_MAX = 200;
export const NOTES_MAX = 4000;

export const ConsentEvent = z.object({
  optedOut: z.boolean(),
  source: z.string(),
  applied: z.boolean().openapi({ description: 'False when a newer change had already set the consent' }),
  at: iso,
});

export const CustomerConsent = z
  .object({
    supportNumber: z.string(),
    optedOut: z.boolean(),
    source: z.string().nullable(),
    changedAt: iso.nullable(),
    history: z.array(ConsentEvent).openapi({ description: 'Newest first (at most 50)' }),
  })
  .openapi('CustomerConsent');

export const PastConversation = z
  .object({
    id: z.string(),
    state: z.enum(CONVERSATION_STATES),
    resolution: z.enum(RESOLUTIONS).nullable(),
    supportNumber: z.string(),
    queueId: z.string().nullable(),
    agentId: z.string().nullable(),
    createdAt: iso,
    closedAt: iso.nullable(),
    messages: z.array(MessageSchema).openapi({ description: 'The transcript (at most the last 200 messages)' }),
  })
  .openapi('PastConversation');

const customerFields = {
  number: z.string(),
  name: z.string().nullable(),
  tags: z.array(z.string()),
  language: z.string().nullable(),
  notes: z.string().nullable(),
  optedOut: z.boolean().openapi({ description: 'Opted out of at least one support number' }),
  lastContactAt: iso.nullable(),
  updatedAt: iso.nullable().openapi({ description: 'Last change to the profile; null while it was never edited' }),
};

export const CustomerSummary = z.object(customerFields).openapi('CustomerSummary');

export const Customer = z
  .object({
    ...customerFields,
    consent: z.array(CustomerConsent),
    conversations: z
      .array(PastConversation)
      .openapi({ description: 'Newest first (at most 20): for agents only those of their queues or their own' }),
  })
  .openapi('Customer');

export const CustomerPatch = z
  .object({
    name: z.string().trim().max(NAME_MAX, `must be at most ${NAME_MAX} characters`).nullable().optional(),
    tags: z.array(Tag).max(TAGS_MAX, `must have at most ${TAGS_MAX} tags`).optional(),
    language: Language.nullable().optional().openapi({ description: 'Supervisors and admins only' }),
    notes: z.string().max(NOTES_MAX, `must be at most ${NOTES_MAX} characters`).nullable().optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (Object.values(b).every((v) => v === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give at least one of name, tags, language, notes', path: [] });
    }
  })
  .openapi('CustomerPatch');

const NumberParam = z.object({ number: CustomerNumber.openapi({ param: { name: 'number', in: 'path' } }) });

const op = operationsOf({ tag: 'Customers', guard: allow('agent', 'supervisor', 'admin') });

export const listCustomers = op.get('/', 'listCustomers', {
  summary: 'Customers by number, ordered by number (agents: customers of their queues or their own conversations)',
  description:
    '`q` matches a number prefix (digits) or a part of the name (case-insensitive, any script); `tag` a tag. ' +
    'Page with `cursor` = the previous page’s `nextCursor`.',
  query: z.object({
    q: z.string().trim().max(100).optional(),
    tag: Tag.optional(),
    cursor: z
      .string()
      .regex(/^[0-9]{1,15}$/, 'must be a nextCursor returned by this list')
      .optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
  ok: [
    z.object({ items: z.array(CustomerSummary), nextCursor: z.string().nullable() }).openapi('CustomerPage'),
    'A page of customers',
  ],
});

export const getCustomer = op.get('/{number}', 'getCustomer', {
  summary: 'A customer: profile, consent with its history, past conversations with transcripts',
  params: NumberParam,
  ok: [Customer, 'The customer'],
});

export const updateCustomer = op.patch('/{number}', 'updateCustomer', {
  summary: 'Change name, tags or notes (agents: customers of their queues) or language (supervisors, admins); audited',
  params: NumberParam,
  body: CustomerPatch,
  ok: [Customer, 'The updated customer'],
});

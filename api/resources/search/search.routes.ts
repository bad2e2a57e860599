import { z } from '@hono/zod-openapi';
import { CONVERSATION_STATES, MESSAGE_DIRECTIONS } from '../../../domain/vocabulary.js';
import { operationsOf } from '../../lib/operations.js';
import { allow } from '../../lib/route-helpers.js';

const iso = z.string().openapi({ format: 'date-time' });

export const SEARCH_FIELDS = ['text', 'name', 'number', 'tag'] as const;

const Segment = z.object({ text: z.string(), match: z.boolean() });

export const SearchHit = z
  .object({
    conversationId: z.string(),
    state: z.enum(CONVERSATION_STATES),
    customerNumber: z.string(),
    supportNumber: z.string(),
    customerName: z.string().nullable(),
    tags: z.array(z.string()),
    agentId: z.string().nullable(),
    queueId: z.string().nullable(),
    updatedAt: iso,
    matchedOn: z.array(z.enum(SEARCH_FIELDS)),
    message: z
      .object({ id: z.string(), direction: z.enum(MESSAGE_DIRECTIONS), createdAt: iso })
      .nullable()
      .openapi({ description: 'The newest message that matched the text, if the text matched' }),
    highlight: z
      .object({
        field: z.enum(SEARCH_FIELDS),
        segments: z.array(Segment).openapi({ description: 'Plain text pieces; `match` marks the hits' }),
        html: z.string().openapi({ description: 'The same, HTML-escaped, hits in <mark>' }),
      })
      .openapi({ description: 'Where the match is, for display' }),
  })
  .openapi('SearchHit');

const op = operationsOf({ tag: 'Search', guard: allow('agent', 'supervisor', 'admin') });

export const searchConversations = op.get('/', 'searchConversations', {
  summary: 'Search conversations by customer number, customer name, tag and message text',
  description:
    'Agents search their own and their queues’ conversations; supervisors and admins all. Every word of `q` must ' +
    'match the start of a word (any script, case-insensitive) in a message, or `q` matches the number (digits), the ' +
    'customer’s name, or one of their tags. Newest activity first; page with `cursor`.',
  query: z.object({
    q: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .refine((s) => /[\p{L}\p{N}]/u.test(s), 'must contain a letter or a digit'),
    cursor: z.string().max(500).optional().openapi({ description: 'nextCursor of the previous page (opaque)' }),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  }),
  ok: [
    z.object({ items: z.array(SearchHit), nextCursor: z.string().nullable() }).openapi('SearchPage'),
    'A page of matching conversations',
  ],
});

import { z } from '@hono/zod-openapi';
import { CONVERSATION_STATES } from '../../../domain/vocabulary.js';
import { protectedRoute } from '../../route-contract.js';
import {
  ConversationIdParam,
  ConversationSchema,
  conversationPageResponse,
  listQuery,
  problemsOf,
} from './conversations.schemas.js';

export const stateEnum = z.enum(CONVERSATION_STATES);

export const list = protectedRoute({
  method: 'get',
  path: '/',
  operationId: 'listConversations',
  tags: ['Conversations'],
  summary: 'Conversations, newest activity first',
  description:
    'Supervisors and admins see all conversations; agents see those assigned or offered to them (agentId may only ' +
    'name themselves). Page with `cursor` = the previous page’s `nextCursor`.',
  request: {
    query: z.object({
      state: z
        .string()
        .regex(
          new RegExp(`^(${stateEnum.options.join('|')})(,(${stateEnum.options.join('|')}))*$`),
          `must be one or more of ${stateEnum.options.join(', ')}, comma-separated`,
        )
        .optional()
        .openapi({ example: 'open,active,waiting,wrap_up' }),
      queueId: z.uuid().optional(),
      agentId: z.uuid().optional(),
      ...listQuery,
    }),
  },
  responses: {
    200: conversationPageResponse,
    ...problemsOf(401, 403, 422),
  },
});

export const get = protectedRoute({
  method: 'get',
  path: '/{id}',
  operationId: 'getConversation',
  tags: ['Conversations'],
  summary: 'A conversation with its full transcript, consent state, routing trace and workflow link',
  request: { params: ConversationIdParam },
  responses: {
    200: { description: 'A conversation', content: { 'application/json': { schema: ConversationSchema } } },
    ...problemsOf(401, 403, 404, 422),
  },
});

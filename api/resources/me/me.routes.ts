import { z } from '@hono/zod-openapi';
import { CONVERSATION_STATES, PRESENCES, ROLES } from '../../../domain/vocabulary.js';
import { protectedRoute } from '../../route-contract.js';
import { conversationPageResponse, listQuery, problemsOf } from '../conversations/conversations.schemas.js';

/** Who a staff member is and how busy they may be: the caller's own view and the supervisor's agent overview. */
export const staffStatusFields = {
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  presence: z.enum(PRESENCES),
  presenceChangedAt: z.string(),
  capacity: z.object({ total: z.number().int(), used: z.number().int() }),
};

const MeSchema = z.object({ ...staffStatusFields, queueIds: z.array(z.string()) }).openapi('Me');

export const getMe = protectedRoute({
  method: 'get',
  path: '/',
  operationId: 'getMe',
  tags: ['Me'],
  summary: 'The caller: role, presence and capacity',
  responses: {
    200: { description: 'The caller', content: { 'application/json': { schema: MeSchema } } },
    ...problemsOf(401),
  },
});

export const setPresence = protectedRoute({
  method: 'put',
  path: '/presence',
  operationId: 'setMyPresence',
  tags: ['Me'],
  summary: 'Set presence (recorded in presence history; a freed agent makes waiting conversations retry assignment)',
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ presence: z.enum(PRESENCES) }) } },
    },
  },
  responses: {
    200: { description: 'The caller after the change', content: { 'application/json': { schema: MeSchema } } },
    ...problemsOf(401, 422),
  },
});

export const listMyConversations = protectedRoute({
  method: 'get',
  path: '/conversations',
  operationId: 'listMyConversations',
  tags: ['Me'],
  summary: 'Conversations offered to or owned by the caller, newest activity first',
  description: 'Closed conversations are left out unless `state=closed` is asked for.',
  request: {
    query: z.object({ state: z.enum(CONVERSATION_STATES).optional(), ...listQuery }),
  },
  responses: {
    200: conversationPageResponse,
    ...problemsOf(401, 422),
  },
});

export const listMyBacklog = protectedRoute({
  method: 'get',
  path: '/backlog',
  operationId: 'listMyBacklog',
  tags: ['Me'],
  summary: 'Pick-mode backlog: open, unassigned conversations of pick-mode workstreams in the caller’s queues',
  description: 'Longest-waiting first (by the customer’s last message).',
  request: { query: z.object(listQuery) },
  responses: {
    200: conversationPageResponse,
    ...problemsOf(401, 422),
  },
});

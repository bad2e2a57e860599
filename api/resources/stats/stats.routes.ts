import { z } from '@hono/zod-openapi';
import { protectedRoute } from '../../route-contract.js';
import { ConversationIdParam, problemsOf } from '../conversations/conversations.schemas.js';
import { staffStatusFields } from '../me/me.routes.js';

const QueueStatsSchema = z
  .object({
    queueId: z.string(),
    open: z.number().int(),
    active: z.number().int(),
    waiting: z.number().int(),
    wrapUp: z.number().int(),
    longestWaitSeconds: z
      .number()
      .int()
      .openapi({ description: 'Oldest open, unassigned conversation, counted from the customer’s last message' }),
    agentsAvailable: z
      .number()
      .int()
      .openapi({ description: 'Members whose presence is available and who have free capacity' }),
  })
  .openapi('QueueStats');

const AgentOverviewSchema = z
  .object({
    ...staffStatusFields,
    activeConversations: z.number().int(),
    waitingConversations: z.number().int(),
    wrapUpConversations: z.number().int(),
    pendingOffers: z.number().int(),
    queueIds: z.array(z.string()),
  })
  .openapi('AgentOverview');

export const getQueueStats = protectedRoute({
  method: 'get',
  path: '/{id}/stats',
  operationId: 'getQueueStats',
  tags: ['Supervision'],
  summary: 'Live counts for one queue (supervisors, admins)',
  request: { params: ConversationIdParam },
  responses: {
    200: { description: 'Queue stats', content: { 'application/json': { schema: QueueStatsSchema } } },
    ...problemsOf(401, 403, 404, 422),
  },
});

export const getAgentsOverview = protectedRoute({
  method: 'get',
  path: '/overview',
  operationId: 'getAgentsOverview',
  tags: ['Supervision'],
  summary: 'Every agent and supervisor with presence, capacity and conversation counts (supervisors, admins)',
  responses: {
    200: {
      description: 'Agents',
      content: { 'application/json': { schema: z.object({ items: z.array(AgentOverviewSchema) }) } },
    },
    ...problemsOf(401, 403),
  },
});

import { z } from '@hono/zod-openapi';
import { problemResponse, rateLimitedResponse } from '../../problem-schema.js';
import { protectedRoute } from '../../route-contract.js';

export const streamEvents = protectedRoute({
  method: 'get',
  path: '/',
  operationId: 'streamEvents',
  tags: ['Live events'],
  summary: 'Server-Sent Events for the caller',
  description:
    'Events: conversation.offered, conversation.updated, message.created, message.status (data: JSON with conversationId), ' +
    'plus `ready` once on connect and `heartbeat` every 15 s. Agents receive events addressed to them; supervisors and ' +
    'admins receive all. Reconnect with the `Last-Event-ID` header (or `lastEventId` query) to resume without gaps.',
  request: {
    query: z.object({ lastEventId: z.string().max(2000).optional() }),
  },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    401: problemResponse('Missing, unknown or revoked credentials'),
    // The stream cap answers like the rate limits, with Retry-After (the shared 429 is overridden only for the text).
    429: {
      ...rateLimitedResponse,
      description: 'Too many open streams for this user, or too many requests (Retry-After)',
    },
  },
});

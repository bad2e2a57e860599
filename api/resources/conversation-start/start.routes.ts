import { z } from '@hono/zod-openapi';
import { validateSmsNumber } from '../../../domain/phone-number.js';
import { authenticated } from '../../middleware/authenticated.js';
import { protectedRoute } from '../../route-contract.js';
import { TextBody } from '../conversation-actions/actions.routes.js';
import { ConversationSchema, MessageSchema, problemsOf } from '../conversations/conversations.schemas.js';

/** The customer's number: digits with the country code, as TeleSign expects (no +, spaces or dashes). */
const CustomerNumber = z
  .string()
  .superRefine((s, ctx) => {
    const problem = validateSmsNumber(s, 'geo');
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .openapi({ example: '359888123456', pattern: '^[1-9][0-9]{6,14}$' });

export const StartBody = z
  .object({
    customerNumber: CustomerNumber,
    channelId: z.uuid().optional().openapi({ description: 'The SMS channel to text from (or give supportNumber)' }),
    supportNumber: z
      .string()
      .regex(/^[0-9]{5,15}$/, 'must be 5 to 15 digits')
      .optional()
      .openapi({ description: 'Our number to text from (or give channelId)' }),
    text: TextBody.shape.text,
  })
  .strict()
  .superRefine((b, ctx) => {
    if (!b.channelId === !b.supportNumber) {
      ctx.addIssue({ code: 'custom', path: ['channelId'], message: 'give exactly one of channelId or supportNumber' });
    }
  })
  .openapi('StartConversation');

const Started = z.object({ conversation: ConversationSchema, message: MessageSchema }).openapi('StartedConversation');

export const startConversation = protectedRoute({
  method: 'post',
  path: '/',
  operationId: 'startConversation',
  tags: ['Conversations'],
  summary: 'Text a customer first: starts (or joins) their conversation, assigned to you, and sends the text',
  description:
    'From a number served by an SMS channel of a queue you belong to (supervisors and admins: any channel). The ' +
    'conversation is assigned to the caller; the text goes through the ordinary send path (retries, delivery ' +
    'reports). 409 `opted_out` when the customer opted out of that number, 409 naming the state when another agent ' +
    'has the conversation.',
  middleware: [authenticated],
  request: { body: { required: true, content: { 'application/json': { schema: StartBody } } } },
  responses: {
    201: { description: 'A new conversation', content: { 'application/json': { schema: Started } } },
    200: {
      description: 'The customer’s open conversation, joined',
      content: { 'application/json': { schema: Started } },
    },
    ...problemsOf(401, 403, 404, 409, 422, 503),
  },
});

export const StartChannel = z
  .object({
    channelId: z.string(),
    supportNumber: z.string(),
    workstreamName: z.string(),
    language: z.string(),
    queueId: z.string().openapi({ description: 'The queue a conversation started here belongs to' }),
  })
  .openapi('StartChannel');

export const listStartChannels = protectedRoute({
  method: 'get',
  path: '/',
  operationId: 'listOutboundChannels',
  tags: ['Conversations'],
  summary: 'SMS channels you may text a customer from (those of your queues; supervisors and admins: all)',
  middleware: [authenticated],
  responses: {
    200: {
      description: 'Channels',
      content: { 'application/json': { schema: z.object({ items: z.array(StartChannel) }) } },
    },
    ...problemsOf(401, 403),
  },
});

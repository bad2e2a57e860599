import { z } from '@hono/zod-openapi';
import { protectedRoute } from '../../route-contract.js';
import {
  ConversationIdParam,
  ConversationSchema,
  MessageSchema,
  problemsOf,
  SmsText,
} from '../conversations/conversations.schemas.js';

export const TextBody = z.object({ text: SmsText });
export const TransferBody = z
  .object({ queueId: z.uuid().optional(), agentId: z.uuid().optional() })
  .superRefine((b, ctx) => {
    if (!b.queueId === !b.agentId)
      ctx.addIssue({ code: 'custom', path: ['queueId'], message: 'give exactly one of queueId or agentId' });
  });
export const AssignBody = z.object({ agentId: z.uuid() });

const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});
const errors = problemsOf(401, 403, 404, 409, 422, 503);

const conversationAnswer = {
  200: { description: 'The updated conversation', content: { 'application/json': { schema: ConversationSchema } } },
  ...errors,
};

/** The request of an action: the conversation id, and the JSON body when the action takes one. */
type ActionRequest<B extends z.ZodType | undefined> = { params: typeof ConversationIdParam } & (B extends z.ZodType
  ? ReturnType<typeof jsonBody<B>>
  : unknown);

/**
 * One workflow action on a conversation: POST /conversations/{id}/{action}, answered with the updated conversation;
 * with `body`, the action takes that JSON body. The operationIds are the public contract (generated clients name
 * methods after them).
 */
function actionRoute<const A extends string, const O extends string, B extends z.ZodType | undefined = undefined>(
  action: A,
  operationId: O,
  summary: string,
  body?: B,
) {
  const request = { params: ConversationIdParam, ...(body ? jsonBody(body) : {}) } as ActionRequest<B>;
  return protectedRoute({
    method: 'post',
    path: `/{id}/${action}` as `/{id}/${A}`,
    tags: ['Conversation actions'],
    summary,
    operationId,
    request,
    responses: conversationAnswer,
  });
}

export const accept = actionRoute('accept', 'acceptConversation', 'Accept an offer (state active)');
export const reject = actionRoute('reject', 'rejectConversation', 'Reject an offer (counts as a decline)');
export const pick = actionRoute('pick', 'pickConversation', 'Take an open conversation from the pick-mode backlog');
export const wait = actionRoute(
  'wait',
  'waitConversation',
  'Release capacity; state waiting until the customer writes again',
);
export const end = actionRoute('end', 'endConversation', 'End: state wrap_up, resolution resolved');
export const close = actionRoute('close', 'closeConversation', 'Close (state closed)');
export const transfer = actionRoute(
  'transfer',
  'transferConversation',
  'Transfer to a queue or an agent',
  TransferBody,
);
export const notes = actionRoute(
  'notes',
  'addConversationNote',
  'Add an internal note (never sent to the customer; visible to agents and supervisors)',
  TextBody,
);
export const assign = actionRoute(
  'assign',
  'assignConversation',
  'Supervisors: assign to an agent (may exceed capacity)',
  AssignBody,
);
export const forceClose = actionRoute(
  'force-close',
  'forceCloseConversation',
  'Supervisors: close from any state (resolution force_closed)',
);

export const sendMessage = protectedRoute({
  method: 'post',
  path: '/{id}/messages',
  operationId: 'sendMessage',
  tags: ['Conversation actions'],
  summary: 'Send an SMS to the customer (assigned agent only); answered once the workflow has queued it',
  request: { params: ConversationIdParam, ...jsonBody(TextBody) },
  responses: {
    202: { description: 'The queued message', content: { 'application/json': { schema: MessageSchema } } },
    ...errors,
  },
});

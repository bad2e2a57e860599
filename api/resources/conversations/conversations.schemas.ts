import { z } from '@hono/zod-openapi';
import { CONVERSATION_ACTIONS } from '../../../domain/conversation-actions.js';
import { SMS_MAX_CHARACTERS, smsLength } from '../../../domain/sms-limits.js';
import { CONVERSATION_STATES, MESSAGE_DIRECTIONS, MESSAGE_STATUSES, RESOLUTIONS } from '../../../domain/vocabulary.js';
import { problemResponse } from '../../problem-schema.js';
import { SlaStatusSchema } from '../service-levels/sla-view.js';

/** OpenAPI shapes of the agent API's answers (the contract's Conversation and Message, plus additive fields). */

/** Agent text: not blank, at most 1,600 characters (code points, as the customer's handset counts them). */
export const SmsText = z
  .string()
  .superRefine((s, ctx) => {
    if (!s.trim()) ctx.addIssue({ code: 'custom', message: 'must not be empty' });
    else if (smsLength(s) > SMS_MAX_CHARACTERS)
      ctx.addIssue({
        code: 'custom',
        message: `must be at most ${SMS_MAX_CHARACTERS} characters (got ${smsLength(s)})`,
      });
  })
  .openapi({ minLength: 1, maxLength: SMS_MAX_CHARACTERS });

const iso = z.string().openapi({ format: 'date-time' });

export const MessageSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    direction: z.enum(MESSAGE_DIRECTIONS),
    text: z.string(),
    status: z.enum(MESSAGE_STATUSES),
    providerStatusCode: z.number().int().nullable(),
    providerStatusText: z.string().nullable(),
    providerReferenceId: z.string().nullable(),
    segments: z.number().int(),
    encoding: z.string(),
    agentId: z.string().nullable(),
    agentName: z.string().nullable().openapi({ description: 'Name of the agent who wrote it (outbound and notes)' }),
    error: z.string().nullable(),
    flags: z.record(z.string(), z.boolean()),
    createdAt: iso,
    updatedAt: iso,
  })
  .openapi('Message');

const conversationFields = {
  id: z.string(),
  state: z.enum(CONVERSATION_STATES),
  resolution: z.enum(RESOLUTIONS).nullable(),
  accountId: z.string(),
  workstreamId: z.string().nullable(),
  channelId: z.string().nullable(),
  queueId: z.string().nullable(),
  agentId: z.string().nullable(),
  offeredAgentId: z.string().nullable(),
  offerExpiresAt: iso.nullable(),
  priority: z.number().int(),
  skills: z.array(z.string()),
  customerNumber: z.string(),
  supportNumber: z.string(),
  language: z.string(),
  withBot: z.boolean(),
  customer: z.object({
    number: z.string(),
    optedOut: z.boolean(),
    consentSource: z.string().nullable(),
    consentChangedAt: iso.nullable(),
  }),
  routingTrace: z.unknown().openapi({ description: 'Rules evaluated, matched rule, queue, priority, skills' }),
  createdAt: iso,
  updatedAt: iso,
  closedAt: iso.nullable(),
  lastCustomerMessageAt: iso.nullable(),
  workflow: z.object({ workflowId: z.string(), runId: z.string(), uiUrl: z.string() }),
  allowedActions: z.array(z.enum(CONVERSATION_ACTIONS)).openapi({
    description: 'What the caller may do now: the conversation machine for this state, role and ownership',
  }),
  sla: SlaStatusSchema,
};

export const ConversationSchema = z
  .object({ ...conversationFields, messages: z.array(MessageSchema) })
  .openapi('Conversation');

export const ConversationSummarySchema = z
  .object({
    ...conversationFields,
    lastMessage: z.union([MessageSchema, z.null()]).openapi({ description: 'null before the first message' }),
    lastCustomerMessage: z
      .union([MessageSchema, z.null()])
      .openapi({ description: 'The customer’s latest text (the list preview); null before the first' }),
    messageCount: z.number().int(),
    customerMessageCount: z.number().int().openapi({ description: 'Texts from the customer (for unread counts)' }),
  })
  .openapi('ConversationSummary');

export const ConversationPageSchema = z
  .object({ items: z.array(ConversationSummarySchema), nextCursor: z.string().nullable() })
  .openapi('ConversationPage');

/** The 200 answer of every conversation list. */
export const conversationPageResponse = {
  description: 'A page of conversations',
  content: { 'application/json': { schema: ConversationPageSchema } },
};

const problem = problemResponse;

export const problems = {
  401: problem('No or bad credentials'),
  403: problem('Role or ownership'),
  404: problem('Unknown id'),
  409: problem('Not allowed in the current state (the detail names the state)'),
  422: problem('Validation failed (the detail names field and rule)'),
  503: problem('Temporal is unreachable; retry later'),
};

/** The agent API's answers for the given statuses: `responses: { 200: …, ...problemsOf(401, 403, 404) }`. */
export const problemsOf = <const C extends keyof typeof problems>(...codes: C[]) =>
  Object.fromEntries(codes.map((code) => [code, problems[code]])) as Pick<typeof problems, C>;

/** A conversation id in the path. */
export const ConversationIdParam = z.object({ id: z.uuid() });

export const listQuery = {
  cursor: z.string().max(500).optional().openapi({ description: 'nextCursor of the previous page (opaque)' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

import { WithStartWorkflowOperation } from '@temporalio/client';
import { and, desc, eq } from 'drizzle-orm';
import { consents, conversations, messages } from '../../../db/schema/index.js';
import { ProblemError } from '../../../lib/problem.js';
import { conversationWorkflowId } from '../../../temporal/ids.js';
import { CustomerNumberKey, SupportNumberKey } from '../../../temporal/search-attributes.js';
import type { conversationWorkflow } from '../../../workflows/conversation-workflow.js';
import { type ConversationInput, type SendAck, startByAgentUpdate } from '../../../workflows/definitions.js';
import { loadConversationView, messageView } from '../../conversation-view.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import { conversationProblem, workflowProblem } from '../../workflow-errors.js';
import type * as routes from './start.routes.js';
import { resolveStartChannel, startableChannels } from './start-channel.js';

/** How long the start waits for the workflow before answering 503 (as the conversation actions do). */
const START_DEADLINE_MS = 20_000;

export const startConversation: AppRouteHandler<typeof routes.startConversation> = async (c) => {
  const { deps, user } = c.var;
  const body = c.req.valid('json');
  const channel = await resolveStartChannel(deps.db, user, body);
  // Checked here first so nothing starts for an opted-out customer; the workflow checks again under its lock.
  const consent = await deps.db.query.consents.findFirst({
    where: and(eq(consents.supportNumber, channel.supportNumber), eq(consents.customerNumber, body.customerNumber)),
  });
  if (consent?.optedOut) throw conversationProblem.optedOut();

  const workflowId = conversationWorkflowId(channel.accountId, channel.supportNumber, body.customerNumber);
  const [before] = await deps.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.workflowId, workflowId))
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  const input: ConversationInput = {
    accountId: channel.accountId,
    supportNumber: channel.supportNumber,
    customerNumber: body.customerNumber,
  };
  const start = new WithStartWorkflowOperation<typeof conversationWorkflow>('conversationWorkflow', {
    workflowId,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    args: [input],
    // An open run is the customer's conversation: join it. Otherwise a new run (a new conversation) starts.
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [
      { key: CustomerNumberKey, value: body.customerNumber },
      { key: SupportNumberKey, value: channel.supportNumber },
    ],
  });
  let ack: SendAck;
  try {
    ack = await deps.temporal.withDeadline(Date.now() + START_DEADLINE_MS, () =>
      deps.temporal.workflow.executeUpdateWithStart(startByAgentUpdate, {
        args: [
          { userId: user.id, role: user.role },
          { text: body.text, queueId: channel.queueId },
        ],
        startWorkflowOperation: start,
      }),
    );
  } catch (err) {
    const problem = workflowProblem(err, { conversationId: before?.id ?? workflowId });
    if (problem.status >= 500) deps.logger.error({ err, workflowId }, 'agent-started conversation failed');
    throw problem;
  }
  const [conversation, row] = await Promise.all([
    loadConversationView(deps.db, deps.config, ack.conversationId, user),
    deps.db.query.messages.findFirst({ where: eq(messages.id, ack.messageId) }),
  ]);
  if (!conversation || !row) {
    throw new ProblemError(500, 'the conversation started but is not readable yet; see the conversation list');
  }
  return c.json({ conversation, message: messageView(row) }, before?.id === ack.conversationId ? 200 : 201);
};

export const listStartChannels: AppRouteHandler<typeof routes.listStartChannels> = async (c) => {
  const { deps, user } = c.var;
  return c.json({ items: await startableChannels(deps.db, user) }, 200);
};

import { type RouteConfig, z } from '@hono/zod-openapi';
import type { WorkflowHandle } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import { consents, messages } from '../../../db/schema/index.js';
import { ProblemError } from '../../../lib/problem.js';
import {
  type Actor,
  acceptUpdate,
  assignUpdate,
  closeUpdate,
  endUpdate,
  forceCloseUpdate,
  noteUpdate,
  pickUpdate,
  rejectUpdate,
  sendUpdate,
  transferUpdate,
  type UpdateAck,
  waitUpdate,
} from '../../../workflows/definitions.js';
import { authenticate, requireRole } from '../../auth.js';
import { loadConversationView, messageView } from '../../conversation-view.js';
import type { ApiDeps, AuthUser } from '../../deps.js';
import { protectedRoute } from '../../route-contract.js';
import { createRouter } from '../../router.js';
import { conversationProblem, workflowProblem } from '../../workflow-errors.js';
import { type ConversationRow, inPickBacklogOf, isStaff, loadReadableConversation } from './access.js';
import { ConversationSchema, MessageSchema, problems } from './schemas.js';
import { checkTransferTarget } from './transfer-target.js';

export const MAX_SMS_CHARACTERS = 1600;
/** How long an action waits for the workflow before answering 503 (the update may still complete later). */
const UPDATE_DEADLINE_MS = 20_000;

/** Agent text: not blank, at most 1,600 characters (code points, as the customer's handset counts them). */
const smsText = z
  .string()
  .superRefine((s, ctx) => {
    if (!s.trim()) ctx.addIssue({ code: 'custom', message: 'must not be empty' });
    else if ([...s].length > MAX_SMS_CHARACTERS)
      ctx.addIssue({
        code: 'custom',
        message: `must be at most ${MAX_SMS_CHARACTERS} characters (got ${[...s].length})`,
      });
  })
  .openapi({ minLength: 1, maxLength: MAX_SMS_CHARACTERS });

const TextBody = z.object({ text: smsText });
const TransferBody = z.object({ queueId: z.uuid().optional(), agentId: z.uuid().optional() }).superRefine((b, ctx) => {
  if (!b.queueId === !b.agentId)
    ctx.addIssue({ code: 'custom', path: ['queueId'], message: 'give exactly one of queueId or agentId' });
});
const AssignBody = z.object({ agentId: z.uuid() });

const params = z.object({ id: z.uuid() });
const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});
const conversationAnswer = {
  200: { description: 'The updated conversation', content: { 'application/json': { schema: ConversationSchema } } },
};
const errors = {
  401: problems[401],
  403: problems[403],
  404: problems[404],
  409: problems[409],
  422: problems[422],
  503: problems[503],
};

/** Stable operationIds of the action routes (the public contract; generated clients name methods after them). */
const OPERATION_IDS: Record<string, string> = {
  accept: 'acceptConversation',
  reject: 'rejectConversation',
  pick: 'pickConversation',
  wait: 'waitConversation',
  end: 'endConversation',
  close: 'closeConversation',
  transfer: 'transferConversation',
  notes: 'addConversationNote',
  assign: 'assignConversation',
  'force-close': 'forceCloseConversation',
};

function actionRoute<R extends Omit<RouteConfig, 'method' | 'path' | 'responses' | 'tags'>>(
  action: string,
  summary: string,
  extra: R,
) {
  const operationId = OPERATION_IDS[action];
  if (!operationId) throw new Error(`action ${action} has no operationId`);
  return protectedRoute({
    method: 'post',
    path: `/conversations/{id}/${action}`,
    tags: ['Conversation actions'],
    summary,
    ...extra,
    operationId,
    request: { params, ...(extra.request ?? {}) },
    responses: { ...conversationAnswer, ...errors },
  });
}

/** Which agents may ask for an action; the workflow re-checks everything against its own state. */
type Gate = 'owner' | 'offered' | 'owner-or-offered' | 'pick' | 'staff';

type Action = {
  path: string;
  summary: string;
  gate: Gate;
  call: (h: WorkflowHandle, actor: Actor, body: unknown) => Promise<UpdateAck>;
  body?: z.ZodType;
};

const ACTIONS: Action[] = [
  {
    path: 'accept',
    summary: 'Accept an offer (state active)',
    gate: 'offered',
    call: (h, a) => h.executeUpdate(acceptUpdate, { args: [a] }),
  },
  {
    path: 'reject',
    summary: 'Reject an offer (counts as a decline)',
    gate: 'offered',
    call: (h, a) => h.executeUpdate(rejectUpdate, { args: [a] }),
  },
  {
    path: 'pick',
    summary: 'Take an open conversation from the pick-mode backlog',
    gate: 'pick',
    call: (h, a) => h.executeUpdate(pickUpdate, { args: [a] }),
  },
  {
    path: 'wait',
    summary: 'Release capacity; state waiting until the customer writes again',
    gate: 'owner',
    call: (h, a) => h.executeUpdate(waitUpdate, { args: [a] }),
  },
  {
    path: 'end',
    summary: 'End: state wrap_up, resolution resolved',
    gate: 'owner',
    call: (h, a) => h.executeUpdate(endUpdate, { args: [a] }),
  },
  {
    path: 'close',
    summary: 'Close (state closed)',
    gate: 'owner',
    call: (h, a) => h.executeUpdate(closeUpdate, { args: [a] }),
  },
  {
    path: 'transfer',
    summary: 'Transfer to a queue or an agent',
    gate: 'owner',
    body: TransferBody,
    call: (h, a, b) => h.executeUpdate(transferUpdate, { args: [a, b as { queueId?: string; agentId?: string }] }),
  },
  {
    path: 'notes',
    summary: 'Add an internal note (never sent to the customer; visible to agents and supervisors)',
    gate: 'owner-or-offered',
    body: TextBody,
    call: (h, a, b) => h.executeUpdate(noteUpdate, { args: [a, b as { text: string }] }),
  },
  {
    path: 'assign',
    summary: 'Supervisors: assign to an agent (may exceed capacity)',
    gate: 'staff',
    body: AssignBody,
    call: (h, a, b) => h.executeUpdate(assignUpdate, { args: [a, b as { agentId: string }] }),
  },
  {
    path: 'force-close',
    summary: 'Supervisors: close from any state (resolution force_closed)',
    gate: 'staff',
    call: (h, a) => h.executeUpdate(forceCloseUpdate, { args: [a] }),
  },
];

const sendRoute = protectedRoute({
  method: 'post',
  path: '/conversations/{id}/messages',
  operationId: 'sendMessage',
  tags: ['Conversation actions'],
  summary: 'Send an SMS to the customer (assigned agent only); answered once the workflow has queued it',
  request: { params, ...jsonBody(TextBody) },
  responses: {
    202: { description: 'The queued message', content: { 'application/json': { schema: MessageSchema } } },
    ...errors,
  },
});

export function actionRoutes(deps: ApiDeps) {
  const app = createRouter();
  app.use('/conversations/:id/*', authenticate(deps));
  for (const path of ['assign', 'force-close']) {
    app.use(`/conversations/:id/${path}`, requireRole('supervisor', 'admin'));
  }

  for (const action of ACTIONS) {
    const route = actionRoute(action.path, action.summary, action.body ? { request: jsonBody(action.body) } : {});
    app.openapi(route, async (c) => {
      // One generic handler for routes of different shapes: the validators ran (422 otherwise); read their output.
      const { id } = c.req.valid('param' as never) as { id: string };
      const body = action.body ? c.req.valid('json' as never) : undefined;
      const user = c.get('user');
      const conv = await loadActionable(deps, user, id);
      await checkGate(deps, user, conv, action.gate);
      const transferTo = action.path === 'transfer' ? (body as { agentId?: string }).agentId : undefined;
      if (transferTo) await checkTransferTarget(deps.db, user, conv, transferTo);
      await runUpdate(deps, conv, (h) => action.call(h, actor(user), body));
      return c.json(await viewOf(deps, id), 200);
    });
  }

  app.openapi(sendRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { text } = c.req.valid('json');
    const user = c.get('user');
    const conv = await loadActionable(deps, user, id);
    if (conv.agentId !== user.id) {
      throw conversationProblem.forbidden(`only the assigned agent may send messages in conversation ${id}`);
    }
    // Checked here too so nothing reaches TeleSign for an opted-out customer even if the workflow lagged.
    const consent = await deps.db.query.consents.findFirst({
      where: and(eq(consents.supportNumber, conv.supportNumber), eq(consents.customerNumber, conv.customerNumber)),
    });
    if (consent?.optedOut) throw conversationProblem.optedOut();
    const ack = await runUpdate(deps, conv, (h) => h.executeUpdate(sendUpdate, { args: [actor(user), { text }] }));
    const row = await deps.db.query.messages.findFirst({ where: eq(messages.id, ack.messageId) });
    if (!row) {
      deps.logger.warn(
        { conversationId: id, messageId: ack.messageId },
        'send acknowledged but message not in read model',
      );
      throw new ProblemError(500, 'the message was queued but is not readable yet; see the conversation');
    }
    return c.json(messageView(row), 202);
  });
  return app;
}

const actor = (user: AuthUser): Actor => ({ userId: user.id, role: user.role });

/** Visibility first (404 like an unknown id, so a non-owner learns nothing), then state. */
async function loadActionable(deps: ApiDeps, user: AuthUser, id: string): Promise<ConversationRow> {
  const conv = await loadReadableConversation(deps.db, user, id);
  if (conv.state === 'closed') throw conversationProblem.closed(id);
  return conv;
}

async function checkGate(deps: ApiDeps, user: AuthUser, conv: ConversationRow, gate: Gate): Promise<void> {
  if (gate === 'staff' || isStaff(user)) return;
  const mine = conv.agentId === user.id;
  const offered = conv.offeredAgentId === user.id;
  if (gate === 'owner' && !mine) throw conversationProblem.forbidden(`conversation ${conv.id} is not assigned to you`);
  if (gate === 'offered' && !offered) {
    throw conversationProblem.forbidden(`conversation ${conv.id} is not offered to you`);
  }
  if (gate === 'owner-or-offered' && !mine && !offered) {
    throw conversationProblem.forbidden(`conversation ${conv.id} is not assigned or offered to you`);
  }
  // The conversation is visible to this agent (loadActionable), so naming its state discloses nothing new.
  if (gate === 'pick') {
    if (conv.state !== 'open' || conv.agentId) {
      throw conversationProblem.state(
        `conversation ${conv.id} is not open for picking (state: ${conv.state})`,
        conv.state,
      );
    }
    if (!(await inPickBacklogOf(deps.db, user.id, conv))) {
      throw conversationProblem.forbidden(`conversation ${conv.id} is not in the pick backlog of your queues`);
    }
  }
}

/**
 * Runs one workflow update on the conversation and turns its failures into problems. A conversation is a
 * continue-as-new chain; the read model keeps the chain's first run id, which addresses its latest run (and never a
 * later conversation of the same customer).
 */
async function runUpdate<T>(deps: ApiDeps, conv: ConversationRow, fn: (h: WorkflowHandle) => Promise<T>): Promise<T> {
  const handle = deps.temporal.workflow.getHandle(conv.workflowId, undefined, { firstExecutionRunId: conv.runId });
  try {
    return await deps.temporal.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () => fn(handle));
  } catch (err) {
    const problem = workflowProblem(err, { conversationId: conv.id, state: conv.state });
    if (problem.status >= 500) deps.logger.error({ err, conversationId: conv.id }, 'workflow update failed');
    throw problem;
  }
}

async function viewOf(deps: ApiDeps, id: string) {
  const view = await loadConversationView(deps.db, deps.config, id);
  if (!view) throw conversationProblem.notFound(id);
  return view;
}

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
import { loadConversationView, messageView } from '../../conversation-view.js';
import type { ApiDeps, AppEnv, AuthUser } from '../../deps.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import { conversationProblem, workflowProblem } from '../../workflow-errors.js';
import { type ConversationRow, inPickBacklogOf, isStaff, loadReadableConversation } from '../conversations/access.js';
import type * as routes from './actions.routes.js';
import { checkTransferTarget } from './transfer-target.js';

/** How long an action waits for the workflow before answering 503 (the update may still complete later). */
const UPDATE_DEADLINE_MS = 20_000;

/** Which agents may ask for an action; the workflow re-checks everything against its own state. */
type Gate = 'owner' | 'offered' | 'owner-or-offered' | 'pick' | 'staff';

/**
 * The one shape every action has: visibility (404), closed (409), the gate (403), then the workflow update, answered
 * with the conversation as it is afterwards.
 */
async function act(
  c: { var: AppEnv['Variables'] },
  id: string,
  gate: Gate,
  call: (h: WorkflowHandle, actor: Actor) => Promise<UpdateAck>,
  transferTo?: string,
) {
  const { deps, user } = c.var;
  const conv = await loadActionable(deps, user, id);
  await checkGate(deps, user, conv, gate);
  if (transferTo) await checkTransferTarget(deps.db, user, conv, transferTo);
  await runUpdate(deps, conv, (h) => call(h, actor(user)));
  return viewOf(deps, user, id);
}

// Each handler is typed by its own route (so the app type, and the web client, know every action).
export const accept: AppRouteHandler<typeof routes.accept> = async (c) =>
  c.json(await act(c, c.req.valid('param').id, 'offered', (h, a) => h.executeUpdate(acceptUpdate, { args: [a] })), 200);
export const reject: AppRouteHandler<typeof routes.reject> = async (c) =>
  c.json(await act(c, c.req.valid('param').id, 'offered', (h, a) => h.executeUpdate(rejectUpdate, { args: [a] })), 200);
export const pick: AppRouteHandler<typeof routes.pick> = async (c) =>
  c.json(await act(c, c.req.valid('param').id, 'pick', (h, a) => h.executeUpdate(pickUpdate, { args: [a] })), 200);
export const wait: AppRouteHandler<typeof routes.wait> = async (c) =>
  c.json(await act(c, c.req.valid('param').id, 'owner', (h, a) => h.executeUpdate(waitUpdate, { args: [a] })), 200);
export const end: AppRouteHandler<typeof routes.end> = async (c) =>
  c.json(await act(c, c.req.valid('param').id, 'owner', (h, a) => h.executeUpdate(endUpdate, { args: [a] })), 200);
export const close: AppRouteHandler<typeof routes.close> = async (c) =>
  c.json(await act(c, c.req.valid('param').id, 'owner', (h, a) => h.executeUpdate(closeUpdate, { args: [a] })), 200);
export const forceClose: AppRouteHandler<typeof routes.forceClose> = async (c) =>
  c.json(
    await act(c, c.req.valid('param').id, 'staff', (h, a) => h.executeUpdate(forceCloseUpdate, { args: [a] })),
    200,
  );

export const transfer: AppRouteHandler<typeof routes.transfer> = async (c) => {
  const body = c.req.valid('json');
  const view = await act(
    c,
    c.req.valid('param').id,
    'owner',
    (h, a) => h.executeUpdate(transferUpdate, { args: [a, body] }),
    body.agentId,
  );
  return c.json(view, 200);
};

export const notes: AppRouteHandler<typeof routes.notes> = async (c) => {
  const body = c.req.valid('json');
  const view = await act(c, c.req.valid('param').id, 'owner-or-offered', (h, a) =>
    h.executeUpdate(noteUpdate, { args: [a, body] }),
  );
  return c.json(view, 200);
};

export const assign: AppRouteHandler<typeof routes.assign> = async (c) => {
  const body = c.req.valid('json');
  const view = await act(c, c.req.valid('param').id, 'staff', (h, a) =>
    h.executeUpdate(assignUpdate, { args: [a, body] }),
  );
  return c.json(view, 200);
};

export const sendMessage: AppRouteHandler<typeof routes.sendMessage> = async (c) => {
  const { deps, user } = c.var;
  const { id } = c.req.valid('param');
  const { text } = c.req.valid('json');
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
};

export const actor = (user: AuthUser): Actor => ({ userId: user.id, role: user.role });

/** Visibility first (404 like an unknown id, so a non-owner learns nothing), then state. */
export async function loadActionable(deps: ApiDeps, user: AuthUser, id: string): Promise<ConversationRow> {
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
export async function runUpdate<T>(
  deps: ApiDeps,
  conv: ConversationRow,
  fn: (h: WorkflowHandle) => Promise<T>,
): Promise<T> {
  const handle = deps.temporal.workflow.getHandle(conv.workflowId, undefined, { firstExecutionRunId: conv.runId });
  try {
    return await deps.temporal.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () => fn(handle));
  } catch (err) {
    const problem = workflowProblem(err, { conversationId: conv.id, state: conv.state });
    if (problem.status >= 500) deps.logger.error({ err, conversationId: conv.id }, 'workflow update failed');
    throw problem;
  }
}

async function viewOf(deps: ApiDeps, user: AuthUser, id: string) {
  const view = await loadConversationView(deps.db, deps.config, id, user);
  if (!view) throw conversationProblem.notFound(id);
  return view;
}

import {
  isGrpcServiceError,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { ProblemError } from '../lib/problem.js';
import { FailureTypes } from '../workflows/definitions.js';

/**
 * Problems about one conversation, shared by the API-side checks and the workflow mapping so both answer alike.
 * Each names the offending field in `errors`, as the contract's problem shape shows.
 */
export const conversationProblem = {
  notFound: (id: string) =>
    new ProblemError(404, `conversation ${id} does not exist`, [
      { path: 'id', message: `no conversation with id ${id}` },
    ]),
  closed: (id: string) =>
    new ProblemError(409, `conversation ${id} is closed`, [{ path: 'state', message: 'is closed' }], {
      state: 'closed',
    }),
  state: (detail: string, state: string) =>
    new ProblemError(409, detail, [{ path: 'state', message: `is ${state}` }], { state }),
  optedOut: () =>
    new ProblemError(
      409,
      'opted_out',
      [{ path: 'customer.optedOut', message: 'the customer opted out (STOP); nothing can be sent' }],
      { reason: 'opted_out' },
      'opted-out',
    ),
  forbidden: (detail: string, path = 'id') => new ProblemError(403, detail, [{ path, message: detail }]),
};

/**
 * The one place where failures of a workflow update become HTTP problems, so every action route answers the same
 * way: the workflow is the authority on state and ownership, the API only translates.
 */
export function workflowProblem(err: unknown, ctx: { conversationId: string; state?: string }): ProblemError {
  if (err instanceof ProblemError) return err;
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) return applicationFailureProblem(cause, ctx);
    return new ProblemError(500, `the conversation workflow failed the update: ${cause?.message ?? err.message}`);
  }
  if (err instanceof ApplicationFailure) return applicationFailureProblem(err, ctx);
  // The run behind the read model has ended: a finished conversation cannot take actions any more.
  if (err instanceof WorkflowNotFoundError) {
    return conversationProblem.closed(ctx.conversationId);
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isUnavailable(err)) {
    return new ProblemError(503, 'the conversation engine (Temporal) did not answer in time; retry later');
  }
  return new ProblemError(500, 'the conversation engine answered unexpectedly; see the server log');
}

function applicationFailureProblem(f: ApplicationFailure, ctx: { conversationId: string; state?: string }) {
  const details = (f.details?.[0] ?? {}) as { state?: string; detail?: string; field?: string };
  switch (f.type) {
    case FailureTypes.InvalidTransition: {
      const state = details.state ?? ctx.state ?? 'unknown';
      return conversationProblem.state(`${f.message || 'not allowed'} (conversation state: ${state})`, state);
    }
    case FailureTypes.NotYours:
      return conversationProblem.forbidden(f.message || 'you are not the agent of this conversation');
    case FailureTypes.OptedOut:
      return conversationProblem.optedOut();
    case FailureTypes.Invalid:
      return new ProblemError(422, details.detail ?? f.message, [
        { path: details.field ?? '(body)', message: details.detail ?? f.message },
      ]);
    case FailureTypes.NotFound:
      return new ProblemError(404, details.detail ?? f.message, [
        { path: details.field ?? '(body)', message: details.detail ?? f.message },
      ]);
    case 'ReferenceError':
      // The running workflow version has no handler for this update yet.
      return new ProblemError(501, `the conversation workflow does not support this action: ${f.message}`);
    default:
      return new ProblemError(500, `the conversation workflow refused the action: ${f.message}`);
  }
}

function isUnavailable(err: unknown): boolean {
  if (err instanceof ServiceError) return true;
  if (isGrpcServiceError(err)) return true;
  return err instanceof Error && /DEADLINE_EXCEEDED|UNAVAILABLE|connect/i.test(err.message);
}

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
    return new ProblemError(409, `conversation ${ctx.conversationId} is closed`, undefined, { state: 'closed' });
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
      return new ProblemError(409, `${f.message || 'not allowed'} (conversation state: ${state})`, undefined, {
        state,
      });
    }
    case FailureTypes.NotYours:
      return new ProblemError(403, f.message || 'you are not the agent of this conversation');
    case FailureTypes.OptedOut:
      return new ProblemError(409, 'opted_out', undefined, { reason: 'opted_out' }, 'opted-out');
    case FailureTypes.Invalid:
      return new ProblemError(
        422,
        details.detail ?? f.message,
        details.field ? [{ path: details.field, message: details.detail ?? f.message }] : undefined,
      );
    case FailureTypes.NotFound:
      return new ProblemError(404, details.detail ?? f.message);
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

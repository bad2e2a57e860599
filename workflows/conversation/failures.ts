import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { TextError, TransitionError } from '../../domain/conversation-machine.js';
import { FailureTypes } from '../definitions.js';

/** Turns a refused transition, a bad text or a typed activity failure into the ApplicationFailure the API maps. */
export const toFailure = (err: unknown): unknown => {
  if (err instanceof TransitionError) {
    return ApplicationFailure.create({
      type: FailureTypes[err.kind],
      message: err.message,
      details: [{ state: err.state }],
      nonRetryable: true,
    });
  }
  if (err instanceof TextError) {
    return ApplicationFailure.create({
      type: FailureTypes.Invalid,
      message: err.message,
      details: [{ field: 'text' }],
    });
  }
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type) {
    return ApplicationFailure.create({
      type: err.cause.type,
      message: err.cause.message,
      details: err.cause.details ?? undefined,
    });
  }
  return err;
};

/** Runs a synchronous check (an update validator), rethrowing what it refuses as the API's failure. */
export const guard = (fn: () => void): void => {
  try {
    fn();
  } catch (err) {
    throw toFailure(err);
  }
};

/** Why a bot turn failed, for the escalation reason and the transcript note. */
export const botFailureReason = (err: unknown): string => {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type === FailureTypes.BotSecretUnreadable) {
    return 'the bot’s secret cannot be decrypted';
  }
  if (cause && (cause as Error).name === 'TimeoutFailure') return 'the bot did not answer in time';
  return `the bot failed (${cause instanceof Error ? cause.message : String(cause)})`;
};

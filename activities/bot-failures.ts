/**
 * ApplicationFailure types the webhook-bot activity throws. No imports, so workflow code may import it to tell the
 * cases apart: Refused and BadAnswer are non-retryable (a policy refusal or an answer that will not get better),
 * Unavailable is retried by the activity's retry policy (network trouble, timeout, 5xx/429).
 */
export const BotFailureTypes = {
  /** The URL or the address it resolves to is not allowed, or the bot answered with a redirect. */
  Refused: 'BotRefused',
  /** The answer was too large, not JSON, a 4xx, or a reply longer than one SMS text may be. */
  BadAnswer: 'BotBadAnswer',
  /** Unreachable, timed out, or a 5xx/429: worth another attempt. */
  Unavailable: 'BotUnavailable',
} as const;

export type BotFailureType = (typeof BotFailureTypes)[keyof typeof BotFailureTypes];

import type { ConversationState, Resolution } from './vocabulary.js';

/**
 * Which timer a conversation runs and for how long, per state and workstream settings. Pure: the workflow asks it
 * and arms (or cancels) its durable timers accordingly, so the rules can be tested without Temporal.
 */

const MINUTE = 60_000;
/** A customer left alone with the bot: the conversation closes after 30 minutes without a text. */
export const BOT_INACTIVITY_MS = 30 * MINUTE;
/**
 * D365 runs an assignment cycle every 5 minutes. Ours is only the fallback behind presence/capacity signals, so it
 * backs off (5 min doubling to 1 h): a conversation parked for days does not wake thousands of times.
 */
export const REDISTRIBUTE_FIRST_MS = 5 * MINUTE;
export const REDISTRIBUTE_MAX_MS = 60 * MINUTE;
/** Offer timeout used when a run carried by older code (no deadlines) must re-arm an offer without its settings. */
export const DEFAULT_OFFER_TIMEOUT_SECONDS = 60;

/** The workstream settings the state timer depends on (absent when no channel serves the number any more). */
export type TimerSettings = {
  openTimeoutMinutes?: number;
  autoCloseAfterInactivityMinutes?: number;
  wrapUpMinutes?: number;
  reopenWindowMinutes?: number;
};

export type StateTimerInput = {
  state: ConversationState;
  withBot: boolean;
  resolution: Resolution | null;
  settings?: TimerSettings | undefined;
};

/** Arm the state timer for `ms`, or (closed for good) cancel it: the run is complete. */
export type StateTimer = { arm: number } | { complete: true };

export function stateTimer({ state, withBot, resolution, settings: w }: StateTimerInput): StateTimer {
  const minutes = (n: number | undefined, fallback: number) => ({ arm: (n ?? fallback) * MINUTE });
  switch (state) {
    case 'open':
      return withBot ? { arm: BOT_INACTIVITY_MS } : minutes(w?.openTimeoutMinutes, 43200);
    case 'active':
      return minutes(w?.openTimeoutMinutes, 43200);
    case 'waiting':
      return minutes(w?.autoCloseAfterInactivityMinutes, 1440);
    case 'wrap_up':
      return minutes(w?.wrapUpMinutes, 1440);
    case 'closed': {
      const window = w?.reopenWindowMinutes ?? 0;
      return resolution === 'force_closed' || window <= 0 ? { complete: true } : { arm: window * MINUTE };
    }
  }
}

/** What the state timer's expiry does in each state. */
export type StateTimerExpiry = 'auto_close' | 'close_resolved' | 'complete';

export function onStateTimerExpiry(state: ConversationState): StateTimerExpiry {
  switch (state) {
    case 'open':
    case 'active':
    case 'waiting':
      return 'auto_close';
    case 'wrap_up':
      return 'close_resolved';
    case 'closed':
      return 'complete';
  }
}

/**
 * The fallback redistribution tick while nobody is eligible: the current delay with ±20 % jitter (`random` in [0, 1),
 * the workflow's seeded one), so conversations that started waiting together — a burst, an outage, a night without
 * agents — do not wake together; and the next delay, doubled up to the maximum.
 */
export function redistributeTick(currentMs: number, random: number): { delayMs: number; nextMs: number } {
  return {
    delayMs: Math.round(currentMs * (0.8 + 0.4 * random)),
    nextMs: Math.min(currentMs * 2, REDISTRIBUTE_MAX_MS),
  };
}

/** How long an agent has to answer an offer. */
export const offerTimeoutMs = (offerTimeoutSeconds: number): number => offerTimeoutSeconds * 1000;

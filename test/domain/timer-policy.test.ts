import { describe, expect, it } from 'vitest';
import {
  BOT_INACTIVITY_MS,
  offerTimeoutMs,
  onStateTimerExpiry,
  REDISTRIBUTE_FIRST_MS,
  REDISTRIBUTE_MAX_MS,
  redistributeTick,
  stateTimer,
} from '../../domain/timer-policy.js';

const MINUTE = 60_000;
const settings = {
  openTimeoutMinutes: 90,
  autoCloseAfterInactivityMinutes: 30,
  wrapUpMinutes: 5,
  reopenWindowMinutes: 60,
};

describe('stateTimer: which state timer runs, and for how long', () => {
  it('gives an open conversation the workstream open timeout, or 30 days without settings', () => {
    expect(stateTimer({ state: 'open', withBot: false, resolution: null, settings })).toEqual({ arm: 90 * MINUTE });
    expect(stateTimer({ state: 'open', withBot: false, resolution: null })).toEqual({ arm: 43200 * MINUTE });
  });

  it('closes a conversation left with the bot after 30 minutes, whatever the workstream says', () => {
    expect(stateTimer({ state: 'open', withBot: true, resolution: null, settings })).toEqual({
      arm: BOT_INACTIVITY_MS,
    });
    expect(BOT_INACTIVITY_MS).toBe(30 * MINUTE);
  });

  it('uses the open timeout while active, the inactivity timeout while waiting, the wrap-up time in wrap-up', () => {
    expect(stateTimer({ state: 'active', withBot: false, resolution: null, settings })).toEqual({ arm: 90 * MINUTE });
    expect(stateTimer({ state: 'waiting', withBot: false, resolution: null, settings })).toEqual({ arm: 30 * MINUTE });
    expect(stateTimer({ state: 'wrap_up', withBot: false, resolution: 'resolved', settings })).toEqual({
      arm: 5 * MINUTE,
    });
  });

  it('falls back to one day for waiting and wrap-up without settings', () => {
    expect(stateTimer({ state: 'waiting', withBot: false, resolution: null })).toEqual({ arm: 1440 * MINUTE });
    expect(stateTimer({ state: 'wrap_up', withBot: false, resolution: 'resolved' })).toEqual({ arm: 1440 * MINUTE });
  });

  it('keeps a closed conversation for its reopen window, then completes', () => {
    expect(stateTimer({ state: 'closed', withBot: false, resolution: 'resolved', settings })).toEqual({
      arm: 60 * MINUTE,
    });
    expect(stateTimer({ state: 'closed', withBot: false, resolution: 'auto_closed', settings })).toEqual({
      arm: 60 * MINUTE,
    });
  });

  it('completes a closed conversation at once without a reopen window or when force closed', () => {
    expect(stateTimer({ state: 'closed', withBot: false, resolution: 'resolved' })).toEqual({ complete: true });
    expect(
      stateTimer({ state: 'closed', withBot: false, resolution: 'resolved', settings: { reopenWindowMinutes: 0 } }),
    ).toEqual({ complete: true });
    expect(stateTimer({ state: 'closed', withBot: false, resolution: 'force_closed', settings })).toEqual({
      complete: true,
    });
  });
});

describe('onStateTimerExpiry: what the state timer does when it fires', () => {
  it('auto-closes open, active and waiting conversations', () => {
    for (const state of ['open', 'active', 'waiting'] as const) expect(onStateTimerExpiry(state)).toBe('auto_close');
  });
  it('resolves a conversation in wrap-up and completes a closed one', () => {
    expect(onStateTimerExpiry('wrap_up')).toBe('close_resolved');
    expect(onStateTimerExpiry('closed')).toBe('complete');
  });
});

describe('redistributeTick: the fallback distribution tick while nobody is eligible', () => {
  it('jitters the current delay by ±20 %', () => {
    expect(redistributeTick(REDISTRIBUTE_FIRST_MS, 0).delayMs).toBe(0.8 * REDISTRIBUTE_FIRST_MS);
    expect(redistributeTick(REDISTRIBUTE_FIRST_MS, 0.5).delayMs).toBe(REDISTRIBUTE_FIRST_MS);
    expect(redistributeTick(REDISTRIBUTE_FIRST_MS, 0.999_999).delayMs).toBeLessThanOrEqual(1.2 * REDISTRIBUTE_FIRST_MS);
  });

  it('doubles the next delay from 5 minutes up to an hour', () => {
    const delays: number[] = [];
    let current = REDISTRIBUTE_FIRST_MS;
    for (let i = 0; i < 6; i++) {
      delays.push(current);
      current = redistributeTick(current, 0.5).nextMs;
    }
    expect(delays.map((d) => d / MINUTE)).toEqual([5, 10, 20, 40, 60, 60]);
    expect(current).toBe(REDISTRIBUTE_MAX_MS);
  });
});

describe('offerTimeoutMs', () => {
  it('turns the workstream offer timeout in seconds into milliseconds', () => {
    expect(offerTimeoutMs(45)).toBe(45_000);
  });
});

/**
 * Service levels per queue (pure). Three clocks, each with a target in seconds:
 * - first response: from the conversation's first customer message to the first agent reply;
 * - next response: from the first customer message after an agent reply (the moment the conversation starts waiting
 *   on us again) to the next agent reply;
 * - resolution: from the first customer message (or a reopen) to the agent ending the conversation.
 * A clock warns at `warningPercent` of its target and is breached at the target. Bot turns are not waiting on us.
 */

export const SLA_KINDS = ['first_response', 'next_response', 'resolution'] as const;
export type SlaKind = (typeof SLA_KINDS)[number];

export const SLA_EVENTS = ['warning', 'breached', 'met'] as const;
export type SlaEvent = (typeof SLA_EVENTS)[number];

export const SLA_DEFAULT_WARNING_PERCENT = 80;
export const SLA_MAX_TARGET_SECONDS = 90 * 24 * 3600;

export type SlaPolicy = {
  firstResponseSeconds: number | null;
  nextResponseSeconds: number | null;
  resolutionSeconds: number | null;
  warningPercent: number;
};

/** A running clock: when it started and its target (workflow time, ms since the epoch). */
export type SlaClock = { startedAt: number; targetMs: number | null; warned: boolean; breached: boolean };

export function targetSeconds(policy: SlaPolicy, kind: SlaKind): number | null {
  switch (kind) {
    case 'first_response':
      return policy.firstResponseSeconds;
    case 'next_response':
      return policy.nextResponseSeconds;
    case 'resolution':
      return policy.resolutionSeconds;
  }
}

/** The instant the clock warns (at warningPercent of the target; never before it started). */
export function warningAt(clock: SlaClock & { targetMs: number }, warningPercent: number): number {
  return clock.startedAt + Math.floor((clock.targetMs * Math.min(Math.max(warningPercent, 1), 100)) / 100);
}

export const dueAt = (clock: SlaClock & { targetMs: number }): number => clock.startedAt + clock.targetMs;

/** The next thing this clock will do and when: warn, then breach, then nothing. */
export function nextSlaStep(
  clock: SlaClock,
  warningPercent: number,
): { event: 'warning' | 'breached'; at: number } | null {
  if (clock.breached || clock.targetMs === null) return null;
  const timed = { ...clock, targetMs: clock.targetMs };
  const warn = warningAt(timed, warningPercent);
  if (!clock.warned && warn < dueAt(timed)) return { event: 'warning', at: warn };
  return { event: 'breached', at: dueAt(timed) };
}

/** Timer names carried by the workflow's NamedTimers, one per clock. */
export const slaTimerName = (kind: SlaKind): string => `sla:${kind}`;
export const slaKindOfTimer = (name: string): SlaKind | null => {
  const kind = name.startsWith('sla:') ? name.slice(4) : '';
  return (SLA_KINDS as readonly string[]).includes(kind) ? (kind as SlaKind) : null;
};

import { describe, expect, it } from 'vitest';
import { nextSlaStep, slaKindOfTimer, slaTimerName } from '../../domain/sla.js';

describe('SLA clocks', () => {
  const clock = { startedAt: 1_000_000, targetMs: 600_000, warned: false, breached: false };

  it('warns at the warning percentage of the target, then breaches at the target', () => {
    expect(nextSlaStep(clock, 80)).toEqual({ event: 'warning', at: 1_000_000 + 480_000 });
    expect(nextSlaStep({ ...clock, warned: true }, 80)).toEqual({ event: 'breached', at: 1_600_000 });
    expect(nextSlaStep({ ...clock, warned: true, breached: true }, 80)).toBeNull();
  });

  it('a warning at 100 % is the breach itself; a clock without a target has no thresholds', () => {
    expect(nextSlaStep(clock, 100)).toEqual({ event: 'breached', at: 1_600_000 });
    expect(nextSlaStep({ ...clock, targetMs: null }, 80)).toBeNull();
  });

  it('names timers per clock and reads the kind back', () => {
    expect(slaKindOfTimer(slaTimerName('next_response'))).toBe('next_response');
    expect(slaKindOfTimer('state')).toBeNull();
    expect(slaKindOfTimer('sla:unknown')).toBeNull();
  });
});

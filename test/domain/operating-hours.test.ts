import { describe, expect, it } from 'vitest';
import {
  hoursStatus,
  isOpen,
  isValidTimeZone,
  nextOpening,
  type OperatingCalendar,
  type Weekday,
} from '../../domain/operating-hours.js';

const weekdays9to17 = (timeZone: string, extra: Partial<OperatingCalendar> = {}): OperatingCalendar => ({
  timeZone,
  weekly: ([1, 2, 3, 4, 5] as Weekday[]).map((day) => ({ day, start: '09:00', end: '17:00' })),
  holidays: [],
  closures: [],
  ...extra,
});

const at = (iso: string) => new Date(iso);

describe('operating hours in Europe/Sofia', () => {
  const sofia = weekdays9to17('Europe/Sofia');

  it('is open at 09:00 local and closed at 17:00 local, in winter (UTC+2)', () => {
    expect(isOpen(sofia, at('2026-12-01T07:00:00Z'))).toBe(true); // Tue 09:00 EET
    expect(isOpen(sofia, at('2026-12-01T06:59:59Z'))).toBe(false);
    expect(isOpen(sofia, at('2026-12-01T15:00:00Z'))).toBe(false); // 17:00 EET
  });

  it('opens at 09:00 local on the Monday after the spring change (UTC+3 from Sunday 29 March 2026)', () => {
    // Friday 27 March 17:30 EET (UTC+2) → Monday 30 March 09:00 EEST = 06:00Z, not 07:00Z.
    expect(nextOpening(sofia, at('2026-03-27T15:30:00Z'))?.toISOString()).toBe('2026-03-30T06:00:00.000Z');
    expect(isOpen(sofia, at('2026-03-30T06:00:00Z'))).toBe(true);
    expect(isOpen(sofia, at('2026-03-30T05:59:00Z'))).toBe(false);
  });

  it('opens at 09:00 local on the Monday after the autumn change (UTC+2 from Sunday 25 October 2026)', () => {
    expect(nextOpening(sofia, at('2026-10-23T14:30:00Z'))?.toISOString()).toBe('2026-10-26T07:00:00.000Z');
  });

  it('skips a holiday to the next working day', () => {
    const withHoliday = weekdays9to17('Europe/Sofia', { holidays: [{ date: '2026-12-24', name: 'Christmas Eve' }] });
    expect(isOpen(withHoliday, at('2026-12-24T10:00:00Z'))).toBe(false);
    // Wed 23 Dec after hours → Thursday is a holiday → Friday 25 Dec 09:00 EET.
    expect(nextOpening(withHoliday, at('2026-12-23T16:00:00Z'))?.toISOString()).toBe('2026-12-25T07:00:00.000Z');
  });

  it('a one-off closure inside opening hours delays the opening to its end', () => {
    const closed = weekdays9to17('Europe/Sofia', {
      closures: [{ start: '2026-12-01T07:00:00Z', end: '2026-12-01T09:30:00Z', reason: 'team meeting' }],
    });
    expect(isOpen(closed, at('2026-12-01T08:00:00Z'))).toBe(false);
    expect(nextOpening(closed, at('2026-12-01T06:00:00Z'))?.toISOString()).toBe('2026-12-01T09:30:00.000Z');
  });

  it('a closure that outlasts the day moves the opening to the next interval', () => {
    const closed = weekdays9to17('Europe/Sofia', {
      closures: [{ start: '2026-12-01T00:00:00Z', end: '2026-12-01T20:00:00Z' }],
    });
    expect(nextOpening(closed, at('2026-12-01T08:00:00Z'))?.toISOString()).toBe('2026-12-02T07:00:00.000Z');
  });
});

describe('operating hours in America/New_York', () => {
  const ny = weekdays9to17('America/New_York');

  it('09:00 is 14:00Z before and 13:00Z after the spring change (Sunday 8 March 2026)', () => {
    expect(nextOpening(ny, at('2026-03-06T23:00:00Z'))?.toISOString()).toBe('2026-03-09T13:00:00.000Z');
    expect(isOpen(ny, at('2026-03-06T14:00:00Z'))).toBe(true);
    expect(isOpen(ny, at('2026-03-09T13:30:00Z'))).toBe(true);
  });

  it('09:00 is 13:00Z before and 14:00Z after the autumn change (Sunday 1 November 2026)', () => {
    expect(nextOpening(ny, at('2026-10-30T22:00:00Z'))?.toISOString()).toBe('2026-11-02T14:00:00.000Z');
    expect(isOpen(ny, at('2026-11-02T13:30:00Z'))).toBe(false);
  });

  it('hours starting in the skipped hour open at the first valid local time', () => {
    // 02:30 does not exist on 8 March 2026 in New York (02:00 → 03:00 EDT).
    const night: OperatingCalendar = {
      timeZone: 'America/New_York',
      weekly: [{ day: 7, start: '02:30', end: '05:00' }],
      holidays: [],
      closures: [],
    };
    const opening = nextOpening(night, at('2026-03-08T05:00:00Z'))!;
    expect(opening.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-03-08T07:00:00Z')); // 03:00 EDT
    expect(opening.getTime()).toBeLessThan(Date.parse('2026-03-08T09:00:00Z')); // before 05:00 EDT
    expect(isOpen(night, opening)).toBe(true);
  });

  it('"24:00" keeps the interval open to local midnight, across the long autumn day', () => {
    const evening: OperatingCalendar = {
      timeZone: 'America/New_York',
      weekly: [{ day: 7, start: '20:00', end: '24:00' }],
      holidays: [],
      closures: [],
    };
    expect(isOpen(evening, at('2026-11-02T04:59:00Z'))).toBe(true); // Sun 23:59 EST
    expect(isOpen(evening, at('2026-11-02T05:00:00Z'))).toBe(false); // Mon 00:00 EST
  });
});

describe('calendar edge cases', () => {
  it('is open at the instant asked when open', () => {
    const cal = weekdays9to17('UTC');
    expect(nextOpening(cal, at('2026-12-01T10:00:00Z'))?.toISOString()).toBe('2026-12-01T10:00:00.000Z');
  });

  it('never opens without weekly hours', () => {
    const never: OperatingCalendar = { timeZone: 'UTC', weekly: [], holidays: [], closures: [] };
    expect(nextOpening(never, at('2026-12-01T10:00:00Z'))).toBeNull();
    expect(hoursStatus(never, at('2026-12-01T10:00:00Z'))).toEqual({ open: false, nextOpeningAt: null });
  });

  it('no calendar means open around the clock', () => {
    expect(hoursStatus(null, at('2026-12-05T03:00:00Z'))).toEqual({ open: true });
  });

  it('knows IANA zones', () => {
    expect(isValidTimeZone('Europe/Sofia')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

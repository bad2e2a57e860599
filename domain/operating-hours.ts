import { DateTime, IANAZone } from 'luxon';

/**
 * Operating hours (docs/domain.md, "Operating hours"): weekly opening intervals in one IANA time zone, holidays
 * (whole local days closed) and one-off closures (instant ranges). Pure; wall times are turned into instants with
 * Luxon per local day, so the hours follow daylight-saving changes: "09:00" is 09:00 local on both sides of a change,
 * a start inside the spring-forward gap moves to the first valid local time, and a day's length may be 23 or 25 h.
 * Runs in activities and the API (not in workflow code: the workflow receives the instant of the next opening).
 */

/** ISO weekdays: 1 = Monday … 7 = Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One opening interval on an ISO weekday (1–7), local wall times "HH:MM"; `end` may be "24:00" (to midnight). */
export type WeeklyHours = { day: number; start: string; end: string };
/** A whole local day closed. */
export type Holiday = { date: string; name?: string | undefined };
/** Closed between two instants (ISO 8601 with offset), e.g. a team event or an outage. */
export type Closure = { start: string; end: string; reason?: string | undefined };

export type OperatingCalendar = {
  timeZone: string;
  weekly: WeeklyHours[];
  holidays: Holiday[];
  closures: Closure[];
};

/** How far ahead nextOpening looks before answering "never" (a calendar with no hours, or a year of holidays). */
export const LOOKAHEAD_DAYS = 400;

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
export const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export const isValidTimeZone = (zone: string): boolean => IANAZone.isValidZone(zone);

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Local wall time → instant, on the given local date (Luxon moves a time in a DST gap forward). */
function instantAt(day: DateTime, minutes: number): DateTime {
  if (minutes >= 24 * 60) return day.plus({ days: 1 }).startOf('day');
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
}

/** The opening intervals (instants) of one local day, in start order; none on a holiday. */
function intervalsOn(cal: OperatingCalendar, day: DateTime): { start: DateTime; end: DateTime }[] {
  const date = day.toISODate();
  if (cal.holidays.some((h) => h.date === date)) return [];
  return cal.weekly
    .filter((w) => w.day === day.weekday)
    .map((w) => ({ start: instantAt(day, minutesOf(w.start)), end: instantAt(day, minutesOf(w.end)) }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start.toMillis() - b.start.toMillis());
}

/** The end of the closure covering `at`, if any (closures may chain: the latest end of overlapping ones). */
function closedUntil(cal: OperatingCalendar, at: number): number | null {
  let until: number | null = null;
  let t = at;
  for (let changed = true; changed; ) {
    changed = false;
    for (const c of cal.closures) {
      const s = Date.parse(c.start);
      const e = Date.parse(c.end);
      if (s <= t && t < e) {
        t = e;
        until = e;
        changed = true;
      }
    }
  }
  return until;
}

const localDay = (cal: OperatingCalendar, at: Date) => DateTime.fromJSDate(at, { zone: cal.timeZone }).startOf('day');

export function isOpen(cal: OperatingCalendar, at: Date): boolean {
  if (closedUntil(cal, at.getTime()) !== null) return false;
  const t = at.getTime();
  return intervalsOn(cal, localDay(cal, at)).some((i) => i.start.toMillis() <= t && t < i.end.toMillis());
}

/**
 * The first instant at or after `after` when the calendar is open (`after` itself when open now), or null when it
 * does not open within LOOKAHEAD_DAYS.
 */
export function nextOpening(cal: OperatingCalendar, after: Date): Date | null {
  const from = after.getTime();
  let day = localDay(cal, after);
  for (let n = 0; n <= LOOKAHEAD_DAYS; n++, day = day.plus({ days: 1 }).startOf('day')) {
    for (const i of intervalsOn(cal, day)) {
      const end = i.end.toMillis();
      let candidate = Math.max(i.start.toMillis(), from);
      // Skip closures inside this interval (they may end before it does).
      for (let until = closedUntil(cal, candidate); until !== null; until = closedUntil(cal, candidate)) {
        candidate = until;
      }
      if (candidate < end) return new Date(candidate);
    }
  }
  return null;
}

/** Open now, or when it opens next: what the workflow needs to decide (computed where a clock may be read). */
export type HoursStatus = { open: true } | { open: false; nextOpeningAt: string | null };

export function hoursStatus(cal: OperatingCalendar | null, at: Date): HoursStatus {
  if (!cal) return { open: true }; // no calendar: open around the clock (as D365 without operation hours)
  if (isOpen(cal, at)) return { open: true };
  const next = nextOpening(cal, at);
  return { open: false, nextOpeningAt: next ? next.toISOString() : null };
}

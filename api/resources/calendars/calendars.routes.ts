import { z } from '@hono/zod-openapi';
import { calendars } from '../../../db/schema/index.js';
import { DATE, HHMM, isValidTimeZone, WEEKDAYS } from '../../../domain/operating-hours.js';
import { crudRoutes } from '../../lib/crud-routes.js';
import { createSelectSchema, isoTimestamp } from '../../lib/table-schemas.js';

/** Operating-hour calendars (issue #16): weekly hours in an IANA time zone, holidays and one-off closures. */

const isRealDate = (d: string) =>
  !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);

export const WeeklyHours = z
  .object({
    day: z
      .number()
      .int()
      .refine((d) => (WEEKDAYS as readonly number[]).includes(d), 'must be an ISO weekday, 1 (Monday) to 7 (Sunday)')
      .openapi({ minimum: 1, maximum: 7, description: 'ISO weekday: 1 = Monday … 7 = Sunday' }),
    start: z.string().regex(HHMM, 'must be HH:MM, 00:00 to 23:59').openapi({ example: '09:00' }),
    end: z.string().regex(HHMM, 'must be HH:MM, 00:01 to 24:00').openapi({ example: '17:00' }),
  })
  .strict()
  .refine((w) => w.end > w.start, { path: ['end'], message: 'must be after start (split overnight hours at 24:00)' })
  .openapi('WeeklyHours');

export const Holiday = z
  .object({
    date: z.string().regex(DATE, 'must be a date YYYY-MM-DD').refine(isRealDate, 'must be a real calendar date'),
    name: z.string().trim().max(200).optional(),
  })
  .strict()
  .openapi('Holiday');

export const Closure = z
  .object({
    start: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with offset' }),
    end: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with offset' }),
    reason: z.string().trim().max(200).optional(),
  })
  .strict()
  .refine((c) => Date.parse(c.end) > Date.parse(c.start), { path: ['end'], message: 'must be after start' })
  .openapi('Closure');

export const fields = {
  name: z.string().trim().min(1, 'is required').max(200),
  timeZone: z
    .string()
    .max(64)
    .refine(isValidTimeZone, 'must be an IANA time zone, e.g. Europe/Sofia')
    .openapi({ example: 'Europe/Sofia' }),
  weekly: z.array(WeeklyHours).max(70).openapi({ description: 'Opening intervals; none = never open' }),
  holidays: z
    .array(Holiday)
    .max(1000)
    .refine((h) => new Set(h.map((x) => x.date)).size === h.length, 'must not repeat a date'),
  closures: z.array(Closure).max(1000),
};

export const CalendarCreate = z
  .object({
    name: fields.name,
    timeZone: fields.timeZone,
    weekly: fields.weekly.default([]),
    holidays: fields.holidays.default([]),
    closures: fields.closures.default([]),
  })
  .strict()
  .openapi('CalendarCreate');

export const CalendarUpdate = z
  .object({
    name: fields.name.optional(),
    timeZone: fields.timeZone.optional(),
    weekly: fields.weekly.optional(),
    holidays: fields.holidays.optional(),
    closures: fields.closures.optional(),
  })
  .strict()
  .openapi('CalendarUpdate');

/** The table's columns (drizzle-zod), the JSON columns as they leave the API, and whether it is open now. */
export const Calendar = createSelectSchema(calendars, {
  weekly: z.array(z.object({ day: z.number().int(), start: z.string(), end: z.string() })),
  holidays: z.array(z.object({ date: z.string(), name: z.string().optional() })),
  closures: z.array(z.object({ start: z.string(), end: z.string(), reason: z.string().optional() })),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
})
  .extend({
    /** Now, as the workflows would judge it. */
    openNow: z.boolean(),
    nextOpeningAt: z.string().nullable().openapi({ description: 'Now when open; null when it never opens' }),
  })
  .openapi('Calendar');

export const calendarRoutes = crudRoutes({
  names: { tag: 'Calendars', name: 'Calendar', one: 'calendar' },
  schemas: { entity: Calendar, create: CalendarCreate, update: CalendarUpdate },
  summaries: {
    create: 'Create an operating-hours calendar',
    list: 'List operating-hours calendars',
    get: 'One calendar, with whether it is open now',
    update: 'Change a calendar (applies at the next routing or opening check)',
    remove: 'Delete a calendar (refused while a queue or workstream uses it)',
  },
});

import { z } from '@hono/zod-openapi';
import { operationsOf } from '../../lib/operations.js';
import { allow } from '../../lib/route-helpers.js';

export const REPORT_MAX_DAYS = 366;

/** A calendar day; years 2000–9999 (PostgreSQL has no year 0, and nothing here predates the product). */
const day = z
  .string()
  .regex(/^[2-9]\d{3}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD from the year 2000 on')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'must be a real calendar date')
  .openapi({ format: 'date', example: '2026-11-20' });

export const ReportQuery = z
  .object({
    from: day.optional().openapi({ description: 'First day (UTC), inclusive; default 13 days before `to`' }),
    to: day.optional().openapi({ description: 'Last day (UTC), inclusive; default today' }),
    format: z
      .enum(['json', 'csv'], { error: 'must be json or csv' })
      .optional()
      .openapi({ description: 'csv is the same as sending Accept: text/csv' }),
  })
  .openapi('ReportQuery');

const Percentiles = z
  .object({
    count: z.number().int(),
    p50Seconds: z.number().nullable(),
    p90Seconds: z.number().nullable(),
  })
  .openapi('ResponsePercentiles');

const ReportRowFields = {
  day: z.string().openapi({ description: 'YYYY-MM-DD (UTC)' }),
  conversations: z.number().int().openapi({ description: 'Conversations created that day' }),
  resolved: z.number().int().openapi({ description: 'Of those, resolved by an agent or the bot' }),
  firstResponse: Percentiles,
  nextResponse: Percentiles,
  resolution: Percentiles,
  slaMeasured: z.number().int().openapi({ description: 'Responses and resolutions measured against a target' }),
  slaMet: z.number().int(),
  slaAttainment: z.number().nullable().openapi({ description: 'slaMet / slaMeasured (0–1); null without targets' }),
  csatCount: z.number().int(),
  csatAverage: z.number().nullable(),
  overflowed: z.number().int().openapi({ description: 'Conversations overflow handling acted on that day' }),
};

export const QueueReportRow = z
  .object({ queueId: z.uuid(), queueName: z.string(), ...ReportRowFields })
  .openapi('QueueReportRow');
export const AgentReportRow = z
  .object({ agentId: z.uuid(), agentName: z.string(), ...ReportRowFields })
  .openapi('AgentReportRow');

const report = <T extends z.ZodType>(row: T, name: string) =>
  z.object({ from: z.string(), to: z.string(), items: z.array(row) }).openapi(name);

const csv = { 'text/csv': { schema: z.string().openapi({ description: 'One line per row, with a header line' }) } };

/** A report answers JSON (`report`) or, with `format=csv`, CSV. */
const reportAnswer = <T extends z.ZodType>(row: T, name: string, description: string) => ({
  description,
  content: { 'application/json': { schema: report(row, name) }, ...csv },
});

const op = operationsOf({ tag: 'Reports', guard: allow('admin', 'supervisor') });

export const queueReport = op.get('/queues', 'getQueueReport', {
  summary: 'Per queue and day: volumes, response and resolution percentiles, SLA attainment, CSAT, overflow',
  query: ReportQuery,
  ok: reportAnswer(QueueReportRow, 'QueueReport', 'One row per queue and day'),
});

export const agentReport = op.get('/agents', 'getAgentReport', {
  summary: 'Per agent and day: conversations, response and resolution percentiles, SLA attainment, CSAT',
  query: ReportQuery,
  ok: reportAnswer(AgentReportRow, 'AgentReport', 'One row per agent and day'),
});

import type { Context } from 'hono';
import { ProblemError } from '../../../lib/problem.js';
import type { AppEnv } from '../../deps.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import { dailyReport, type ReportRow, toCsv } from './reports.query.js';
import type * as routes from './reports.routes.js';
import { REPORT_MAX_DAYS } from './reports.routes.js';

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The range asked for: default the last 14 days (UTC) up to today; at most REPORT_MAX_DAYS days. */
function range(q: { from?: string | undefined; to?: string | undefined }): { from: string; to: string } {
  const to = q.to ?? isoDay(Date.now());
  const from = q.from ?? isoDay(Date.parse(`${to}T00:00:00Z`) - 13 * DAY_MS);
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days < 1)
    throw new ProblemError(422, 'from: must not be after to', [{ path: 'from', message: 'must not be after to' }]);
  if (days > REPORT_MAX_DAYS) {
    const message = `the range must be at most ${REPORT_MAX_DAYS} days (got ${days})`;
    throw new ProblemError(422, `from: ${message}`, [{ path: 'from', message }]);
  }
  return { from, to };
}

const wantsCsv = (c: Context<AppEnv>, format: string | undefined) =>
  format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(c.req.header('accept') ?? ''));

async function answer(
  c: Context<AppEnv>,
  dim: 'queue' | 'agent',
  q: { from?: string | undefined; to?: string | undefined; format?: 'json' | 'csv' | undefined },
) {
  const { from, to } = range(q);
  const rows = await dailyReport(c.var.deps.sql, dim, from, to);
  if (wantsCsv(c, q.format)) {
    return c.body(toCsv(dim, rows), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="smsdesk-${dim}s-${from}-${to}.csv"`,
    });
  }
  return { from, to, rows };
}

const renamed = <K extends string, N extends string>(rows: ReportRow[], idKey: K, nameKey: N) =>
  rows.map(
    ({ id, name, ...rest }) =>
      ({ [idKey]: id, [nameKey]: name, ...rest }) as Omit<ReportRow, 'id' | 'name'> & Record<K | N, string>,
  );

export const queueReport: AppRouteHandler<typeof routes.queueReport> = async (c) => {
  const r = await answer(c, 'queue', c.req.valid('query'));
  if (r instanceof Response) return r as never;
  return c.json({ from: r.from, to: r.to, items: renamed(r.rows, 'queueId', 'queueName') }, 200);
};

export const agentReport: AppRouteHandler<typeof routes.agentReport> = async (c) => {
  const r = await answer(c, 'agent', c.req.valid('query'));
  if (r instanceof Response) return r as never;
  return c.json({ from: r.from, to: r.to, items: renamed(r.rows, 'agentId', 'agentName') }, 200);
};

import type { Sql } from 'postgres';

/** One day of one queue or agent, as the report answers it. */
export type ReportRow = {
  id: string;
  name: string;
  day: string;
  conversations: number;
  resolved: number;
  firstResponse: Percentiles;
  nextResponse: Percentiles;
  resolution: Percentiles;
  slaMeasured: number;
  slaMet: number;
  slaAttainment: number | null;
  csatCount: number;
  csatAverage: number | null;
  overflowed: number;
};
type Percentiles = { count: number; p50Seconds: number | null; p90Seconds: number | null };

type Dimension = 'queue' | 'agent';

/**
 * Overflow is recorded by the operating rules (conversations.overflowed_at, another part of issue #16); until that
 * column exists the counts are 0. Looked up once per process.
 */
let overflowColumn: Promise<boolean> | undefined;
const hasOverflowColumn = (sql: Sql) =>
  (overflowColumn ??= sql<{ n: number }[]>`
    select count(*)::int as n from information_schema.columns
    where table_name = 'conversations' and column_name = 'overflowed_at'`.then((r) => (r[0]?.n ?? 0) > 0));

const round = (x: unknown) => (x === null || x === undefined ? null : Math.round(Number(x) * 10) / 10);

/**
 * Days × queues (or agents) from the read models: conversations by creation day, measured responses and resolutions
 * (sla_measurements) by the day they ended, CSAT by the day it was answered. Days are UTC. Every day of the range is
 * answered, zeros included, so a chart has no gaps.
 */
export async function dailyReport(sql: Sql, dim: Dimension, from: string, to: string): Promise<ReportRow[]> {
  const key = dim === 'queue' ? sql('queue_id') : sql('agent_id');
  const overflow = (await hasOverflowColumn(sql)) ? sql`count(*) filter (where overflowed_at is not null)` : sql`0`;
  const subjects =
    dim === 'queue'
      ? sql`select id, name from queues`
      : sql`select id, name from users where role in ('agent', 'supervisor')`;
  const rows = await sql<Record<string, unknown>[]>`
    with days as (
      select d::date as day from generate_series(${from}::date, ${to}::date, interval '1 day') d
    ),
    subjects as (${subjects}),
    conv as (
      select ${key} as id, (created_at at time zone 'UTC')::date as day, count(*)::int as n,
        (count(*) filter (where resolution = 'resolved'))::int as resolved, (${overflow})::int as overflowed
      from conversations
      where created_at >= ${from}::date and created_at < ${to}::date + 1 and ${key} is not null
      group by 1, 2
    ),
    m as (
      select ${key} as id, (ended_at at time zone 'UTC')::date as day, kind, count(*)::int as n,
        percentile_cont(0.5) within group (order by seconds) as p50,
        percentile_cont(0.9) within group (order by seconds) as p90,
        (count(*) filter (where target_seconds is not null))::int as measured,
        (count(*) filter (where target_seconds is not null and not breached))::int as met
      from sla_measurements
      where ended_at >= ${from}::date and ended_at < ${to}::date + 1 and ${key} is not null
      group by 1, 2, 3
    ),
    cs as (
      select ${key} as id, (answered_at at time zone 'UTC')::date as day, count(*)::int as n,
        avg(rating)::float8 as avg
      from csat_surveys
      where answered_at >= ${from}::date and answered_at < ${to}::date + 1 and rating is not null
        and ${key} is not null
      group by 1, 2
    )
    select s.id::text as id, s.name, to_char(days.day, 'YYYY-MM-DD') as day,
      coalesce(conv.n, 0) as conversations, coalesce(conv.resolved, 0) as resolved,
      coalesce(conv.overflowed, 0) as overflowed,
      coalesce(cs.n, 0) as csat_count, cs.avg as csat_avg,
      (select coalesce(jsonb_object_agg(m.kind, jsonb_build_object('n', m.n, 'p50', m.p50, 'p90', m.p90,
          'measured', m.measured, 'met', m.met)), '{}'::jsonb)
        from m where m.id = s.id and m.day = days.day) as measurements
    from subjects s cross join days
    left join conv on conv.id = s.id and conv.day = days.day
    left join cs on cs.id = s.id and cs.day = days.day
    order by s.name, s.id, days.day`;
  return rows.map((r) => {
    const ms = (r.measurements ?? {}) as Record<
      string,
      { n: number; p50: number; p90: number; measured: number; met: number }
    >;
    const pct = (kind: string): Percentiles => ({
      count: ms[kind]?.n ?? 0,
      p50Seconds: round(ms[kind]?.p50),
      p90Seconds: round(ms[kind]?.p90),
    });
    const measured = Object.values(ms).reduce((a, x) => a + x.measured, 0);
    const met = Object.values(ms).reduce((a, x) => a + x.met, 0);
    return {
      id: String(r.id),
      name: String(r.name),
      day: String(r.day),
      conversations: Number(r.conversations),
      resolved: Number(r.resolved),
      firstResponse: pct('first_response'),
      nextResponse: pct('next_response'),
      resolution: pct('resolution'),
      slaMeasured: measured,
      slaMet: met,
      slaAttainment: measured > 0 ? Math.round((met / measured) * 1000) / 1000 : null,
      csatCount: Number(r.csat_count),
      csatAverage: r.csat_avg === null ? null : Math.round(Number(r.csat_avg) * 100) / 100,
      overflowed: Number(r.overflowed),
    };
  });
}

const CSV_COLUMNS = [
  'day',
  'conversations',
  'resolved',
  'first_response_count',
  'first_response_p50_s',
  'first_response_p90_s',
  'next_response_count',
  'next_response_p50_s',
  'next_response_p90_s',
  'resolution_count',
  'resolution_p50_s',
  'resolution_p90_s',
  'sla_measured',
  'sla_met',
  'sla_attainment',
  'csat_count',
  'csat_average',
  'overflowed',
] as const;

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading =+-@ is defused for spreadsheets. */
function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(dim: Dimension, rows: ReportRow[]): string {
  const head = [`${dim}_id`, `${dim}_name`, ...CSV_COLUMNS];
  const lines = rows.map((r) =>
    [
      r.id,
      r.name,
      r.day,
      r.conversations,
      r.resolved,
      r.firstResponse.count,
      r.firstResponse.p50Seconds,
      r.firstResponse.p90Seconds,
      r.nextResponse.count,
      r.nextResponse.p50Seconds,
      r.nextResponse.p90Seconds,
      r.resolution.count,
      r.resolution.p50Seconds,
      r.resolution.p90Seconds,
      r.slaMeasured,
      r.slaMet,
      r.slaAttainment,
      r.csatCount,
      r.csatAverage,
      r.overflowed,
    ]
      .map(field)
      .join(','),
  );
  return `${[head.join(','), ...lines].join('\r\n')}\r\n`;
}

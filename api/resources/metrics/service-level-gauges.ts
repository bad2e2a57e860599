import { Gauge } from 'prom-client';
import { SLA_KINDS } from '../../../domain/sla.js';
import { registry } from '../../../lib/metrics.js';
import type { ApiDeps } from '../../deps.js';

/**
 * SLA and CSAT state for Prometheus, read from Postgres at scrape time like the other state gauges (every replica
 * reports the same truth; use max() across replicas). Alert on smsdesk_sla_at_risk and smsdesk_sla_breached_open.
 */
const gauges = {
  running: new Gauge({
    name: 'smsdesk_sla_clocks_running',
    help: 'Conversations whose SLA clock of this kind runs against a target',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  atRisk: new Gauge({
    name: 'smsdesk_sla_at_risk',
    help: 'Running SLA clocks past their warning threshold, not yet breached',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  breachedOpen: new Gauge({
    name: 'smsdesk_sla_breached_open',
    help: 'Running SLA clocks already past their target (still unanswered or unresolved)',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  breaches24h: new Gauge({
    name: 'smsdesk_sla_breaches_24h',
    help: 'SLA breaches recorded in the last 24 hours',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  attainment24h: new Gauge({
    name: 'smsdesk_sla_attainment_ratio_24h',
    help: 'Share of responses and resolutions measured against a target in the last 24 hours that met it (1 when none)',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  csatResponses24h: new Gauge({
    name: 'smsdesk_csat_responses_24h',
    help: 'CSAT survey answers in the last 24 hours',
    registers: [registry],
  }),
  csatAverage24h: new Gauge({
    name: 'smsdesk_csat_average_24h',
    help: 'Average CSAT rating (1–5) of the answers in the last 24 hours (0 when none)',
    registers: [registry],
  }),
};

const COLUMN = {
  first_response: 'first_response',
  next_response: 'next_response',
  resolution: 'resolution',
} as const;

export async function refreshServiceLevelGauges(sql: ApiDeps['sql']): Promise<void> {
  const [clocks, measured, csat] = await sql.begin('read only', async (tx) => {
    await tx`set local statement_timeout = 3000`;
    return Promise.all([
      Promise.all(
        SLA_KINDS.map(async (kind) => {
          const c = COLUMN[kind];
          const [r] = await tx<{ running: number; at_risk: number; breached_open: number; breaches: number }[]>`
            select
              (count(*) filter (where ${tx(`sla_${c}_due_at`)} is not null))::int as running,
              (count(*) filter (where ${tx(`sla_${c}_due_at`)} is not null and ${tx(`sla_${c}_warned_at`)} is not null
                and ${tx(`sla_${c}_breached_at`)} is null))::int as at_risk,
              (count(*) filter (where ${tx(`sla_${c}_due_at`)} is not null
                and ${tx(`sla_${c}_breached_at`)} is not null))::int as breached_open,
              (count(*) filter (where ${tx(`sla_${c}_breached_at`)} > now() - interval '24 hours'))::int as breaches
            from conversations where state <> 'closed' or closed_at > now() - interval '24 hours'`;
          return { kind, ...r! };
        }),
      ),
      tx<{ kind: string; measured: number; met: number }[]>`
        select kind, count(*)::int as measured, (count(*) filter (where not breached))::int as met
        from sla_measurements where ended_at > now() - interval '24 hours' and target_seconds is not null
        group by kind`,
      tx<{ n: number; avg: number | null }[]>`
        select count(*)::int as n, avg(rating)::float8 as avg from csat_surveys
        where answered_at > now() - interval '24 hours' and rating is not null`,
    ]);
  });
  for (const r of clocks) {
    gauges.running.set({ kind: r.kind }, r.running);
    gauges.atRisk.set({ kind: r.kind }, r.at_risk);
    gauges.breachedOpen.set({ kind: r.kind }, r.breached_open);
    gauges.breaches24h.set({ kind: r.kind }, r.breaches);
  }
  for (const kind of SLA_KINDS) {
    const m = measured.find((x) => x.kind === kind);
    gauges.attainment24h.set({ kind }, m && m.measured > 0 ? m.met / m.measured : 1);
  }
  gauges.csatResponses24h.set(csat[0]?.n ?? 0);
  gauges.csatAverage24h.set(csat[0]?.avg ?? 0);
}

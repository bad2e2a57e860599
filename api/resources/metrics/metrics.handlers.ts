import type { Context } from 'hono';
import { CONVERSATION_STATES, OFFER_OUTCOMES } from '../../../domain/vocabulary.js';
import { registry, stateGauges } from '../../../lib/metrics.js';
import type { ApiDeps, AppEnv } from '../../deps.js';
import { refreshServiceLevelGauges } from './service-level-gauges.js';

/** Scrape-time state is cached this long, so several Prometheus servers or a fast scrape interval cost one query set. */
const STATE_TTL_MS = 5_000;

type Row = Record<string, unknown>;

/**
 * Reads the shared state the gauges describe. Windows of 24 h keep the queries bounded as history grows; the live
 * parts (pending inbox, open conversations) are read whole. Runs in one read-only transaction with a statement
 * timeout so a slow database cannot pile up scrapes.
 */
export async function refreshStateGauges(sql: ApiDeps['sql']): Promise<void> {
  const [inbox, messages, conversations, offers] = await sql.begin('read only', async (tx) => {
    await tx`set local statement_timeout = 3000`;
    return Promise.all([
      tx<Row[]>`select count(*)::int as n,
                  coalesce(extract(epoch from now() - min(received_at)), 0)::float8 as age
                from inbox where status = 'pending'`,
      tx<
        Row[]
      >`select direction::text, status::text, coalesce(provider_status_code::text, 'none') as code, count(*)::int as n
                from messages where created_at > now() - interval '24 hours'
                group by 1, 2, 3`,
      tx<Row[]>`select state::text, count(*)::int as n from conversations
                where state <> 'closed' or closed_at > now() - interval '24 hours'
                group by 1`,
      tx<Row[]>`select outcome::text, count(*)::int as n from offers
                where offered_at > now() - interval '24 hours'
                group by 1`,
    ]);
  });
  stateGauges.inboxBacklog.set(Number(inbox[0]?.n ?? 0));
  stateGauges.inboxOldestAgeSeconds.set(Number(inbox[0]?.age ?? 0));
  stateGauges.messages.reset();
  for (const r of messages) {
    stateGauges.messages.set(
      { direction: String(r.direction), status: String(r.status), code: String(r.code) },
      Number(r.n),
    );
  }
  // Every state is reported, 0 included, so alerts on a state never see the series vanish.
  stateGauges.conversations.reset();
  for (const state of CONVERSATION_STATES) stateGauges.conversations.set({ state }, 0);
  for (const r of conversations) stateGauges.conversations.set({ state: String(r.state) }, Number(r.n));
  stateGauges.offers.reset();
  for (const outcome of OFFER_OUTCOMES) {
    stateGauges.offers.set({ outcome }, 0);
  }
  for (const r of offers) stateGauges.offers.set({ outcome: String(r.outcome) }, Number(r.n));
  await refreshServiceLevelGauges(sql);
}

/** The last state refresh per database pool: several scrapes within STATE_TTL_MS share one query set. */
const refreshes = new WeakMap<ApiDeps['sql'], { at: number; done: Promise<void> }>();

/** GET /metrics (Prometheus text format): this process's counters plus scrape-time state from Postgres. */
export async function scrapeMetrics(c: Context<AppEnv>) {
  const deps = c.var.deps;
  if (!deps.config.METRICS_ENABLED) return c.notFound();
  let refreshed = refreshes.get(deps.sql);
  if (!refreshed || Date.now() - refreshed.at > STATE_TTL_MS) {
    refreshed = {
      at: Date.now(),
      done: refreshStateGauges(deps.sql).catch((err) => {
        // Still answer: process metrics and counters matter most when the database is the problem.
        stateGauges.scrapeErrors.inc();
        deps.logger.warn({ err }, 'metrics: state query failed');
        refreshes.delete(deps.sql);
      }),
    };
    refreshes.set(deps.sql, refreshed);
  }
  await refreshed.done;
  return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
}

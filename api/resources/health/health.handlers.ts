import type { Context } from 'hono';
import { withDeadline } from '../../../lib/deadline.js';
import type { AppEnv } from '../../deps.js';

/** Liveness: the process answers. */
export const live = (c: Context<AppEnv>) => c.json({ status: 'ok' });

/** Readiness: PostgreSQL and Temporal both answer within 2 s (503 naming the one that does not). */
export async function ready(c: Context<AppEnv>) {
  const deps = c.var.deps;
  const [postgres, temporal] = await Promise.allSettled([
    withDeadline(deps.sql`select 1`, 2000),
    withDeadline(deps.temporal.workflowService.getSystemInfo({}), 2000),
  ]);
  const checks = {
    postgres: postgres.status === 'fulfilled' ? 'ok' : `down: ${String(postgres.reason?.message ?? postgres.reason)}`,
    temporal: temporal.status === 'fulfilled' ? 'ok' : `down: ${String(temporal.reason?.message ?? temporal.reason)}`,
  };
  const isReady = postgres.status === 'fulfilled' && temporal.status === 'fulfilled';
  return c.json({ status: isReady ? 'ready' : 'not_ready', checks }, isReady ? 200 : 503);
}

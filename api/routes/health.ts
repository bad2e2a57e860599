import { Hono } from 'hono';
import { withDeadline } from '../../lib/deadline.js';
import type { ApiDeps, AppEnv } from '../deps.js';

export function healthRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const [postgres, temporal] = await Promise.allSettled([
      withDeadline(deps.sql`select 1`, 2000),
      withDeadline(deps.temporal.workflowService.getSystemInfo({}), 2000),
    ]);
    const checks = {
      postgres: postgres.status === 'fulfilled' ? 'ok' : `down: ${String(postgres.reason?.message ?? postgres.reason)}`,
      temporal: temporal.status === 'fulfilled' ? 'ok' : `down: ${String(temporal.reason?.message ?? temporal.reason)}`,
    };
    const ready = postgres.status === 'fulfilled' && temporal.status === 'fulfilled';
    return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
  });
  return app;
}

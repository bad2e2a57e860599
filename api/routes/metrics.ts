import { Hono } from 'hono';
import type { ApiDeps, AppEnv } from '../deps.js';

/** GET /metrics (Prometheus). */
export function metricsRoutes(_deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  return app;
}

import { Hono } from 'hono';
import type { ApiDeps, AppEnv } from '../api/deps.js';

/** Server-rendered pages: /app (agent workspace), /admin (setup wizard). */
export function webRoutes(_deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  return app;
}

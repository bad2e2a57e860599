import type { Client } from '@temporalio/client';
import { createMiddleware } from 'hono/factory';
import type { Config } from '../config/env.js';
import type { DbHandle } from '../db/client.js';
import type { Role } from '../domain/vocabulary.js';
import type { Logger } from '../lib/logger.js';

/** Everything a request handler may use; built once by the entry point (or a test) and passed to createApp. */
export type ApiDeps = {
  config: Config;
  db: DbHandle['db'];
  sql: DbHandle['sql'];
  temporal: Client;
  logger: Logger;
};

export type AuthUser = { id: string; name: string; role: Role };

/** `c.var.deps` is set once per request by provideDeps (app/create-app.ts); handlers read it instead of closing over deps. */
export type AppEnv = { Variables: { user: AuthUser; requestId: string; deps: ApiDeps } };

/** The app's first middleware: hands the dependencies to every route through `c.var.deps`. */
export function provideDeps(deps: ApiDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('deps', deps);
    await next();
  });
}

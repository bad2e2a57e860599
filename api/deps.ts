import type { Client } from '@temporalio/client';
import type { Config } from '../config/env.js';
import type { DbHandle } from '../db/client.js';
import type { Logger } from '../lib/logger.js';

/** Everything a request handler may use; built once by the entry point (or a test) and passed to createApp. */
export type ApiDeps = {
  config: Config;
  db: DbHandle['db'];
  sql: DbHandle['sql'];
  temporal: Client;
  logger: Logger;
};

export type AuthUser = { id: string; name: string; role: 'agent' | 'supervisor' | 'admin' };

export type AppEnv = { Variables: { user: AuthUser; requestId: string } };

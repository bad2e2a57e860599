import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export type Db = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };

export type DbHandle = { db: Db; sql: postgres.Sql; close: () => Promise<void> };

/** One pool per process; `casing` must match drizzle.config.ts or queries name camelCase columns. */
export function createDb(url: string, options: { max?: number; idleTimeoutSeconds?: number } = {}): DbHandle {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connect_timeout: 10,
    ...(options.idleTimeoutSeconds ? { idle_timeout: options.idleTimeoutSeconds } : {}),
  });
  const db = drizzle({ client: sql, schema, casing: 'snake_case' }) as Db;
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

export { schema };

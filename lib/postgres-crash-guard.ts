import type { Logger } from './logger.js';

/**
 * postgres.js 3.4.9 can throw from a socket callback when PostgreSQL goes away mid-write
 * (`TypeError: Cannot read properties of null (reading 'write')` in connection.js; porsager/postgres#1154, #1208,
 * fixes unreleased). It is uncatchable at the call site and would kill the API or worker during a database outage.
 * This handler survives exactly that error (the pool reconnects; callers see their query fail or time out) and
 * keeps the default behaviour, log and exit 1, for every other uncaught exception. Remove it with the upgrade.
 */
export function isPostgresJsWriteAfterClose(err: unknown): boolean {
  return (
    err instanceof TypeError &&
    /reading 'write'/.test(err.message) &&
    /[\\/]postgres[\\/](src|cjs[\\/]src)[\\/]connection\.js/.test(err.stack ?? '')
  );
}

export function installPostgresCrashGuard(logger: Logger): void {
  process.on('uncaughtException', (err) => {
    if (isPostgresJsWriteAfterClose(err)) {
      logger.error({ err }, 'postgres.js wrote to a closed connection (porsager/postgres#1154); continuing');
      return;
    }
    logger.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
}

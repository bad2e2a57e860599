import { createApp } from '../app/create-app.js';
import { loadConfigOrExit } from '../config/env.js';
import { createDb } from '../db/client.js';
import { createLogger } from '../lib/logger.js';
import { installPostgresCrashGuard } from '../lib/postgres-crash-guard.js';
import { startTracing } from '../lib/tracing.js';
import { connectClient } from '../temporal/connection.js';
import { startBackgroundServices } from './background.js';
import { bootstrap } from './bootstrap.js';
import { listen } from './server.js';

// Production API entry point: reads only the environment and starts nothing embedded.
const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL).child({ role: 'api' });
installPostgresCrashGuard(logger);
// Before anything that makes spans (the Temporal client interceptor, the request middleware).
const tracing = startTracing({ serviceName: 'smsdesk-api', endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const { db, sql, close: closeDb } = createDb(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
const temporal = await connectClient(config, { interceptors: tracing.clientInterceptors });
await bootstrap(db, config.BOOTSTRAP_ADMIN_TOKEN);
const deps = { config, db, sql, temporal, logger };
const background = await startBackgroundServices(deps);
const app = createApp(deps);
const server = await listen(app, config.PORT, config.HOST);
logger.info({ port: server.port, tracing: tracing.enabled }, 'api listening');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'api shutting down');
  // Orchestrators SIGKILL after 30 s; leave the log a reason if draining takes too long.
  setTimeout(() => {
    logger.error('api did not stop within 28 s; exiting');
    process.exit(1);
  }, 28_000).unref();
  // Stop accepting, let in-flight requests finish (SSE streams are cut after 10 s), then release resources.
  await server.close();
  await background.stop();
  await temporal.connection.close();
  await closeDb();
  await tracing.shutdown();
  logger.info('api stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

import { loadConfigOrExit } from '../config/env.js';
import { createDb } from '../db/client.js';
import { createLogger } from '../lib/logger.js';
import { connectClient } from '../temporal/connection.js';
import { createApp } from './app.js';
import { startBackgroundServices } from './background.js';
import { bootstrap } from './bootstrap.js';
import { listen } from './server.js';

// Production API entry point: reads only the environment and starts nothing embedded.
const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL);
const { db, sql, close: closeDb } = createDb(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
const temporal = await connectClient(config);
await bootstrap(db, config.BOOTSTRAP_ADMIN_TOKEN);
const deps = { config, db, sql, temporal, logger };
const background = await startBackgroundServices(deps);
const app = createApp(deps);
const server = await listen(app, config.PORT, config.HOST);
logger.info({ port: server.port }, 'api listening');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'api shutting down');
  await server.close();
  await background.stop();
  await temporal.connection.close();
  await closeDb();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

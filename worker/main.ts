import { loadConfigOrExit } from '../config/env.js';
import { createDb } from '../db/client.js';
import { createLogger } from '../lib/logger.js';
import { installTemporalRuntime } from '../lib/temporal-runtime.js';
import { connectWorkerConnection } from '../temporal/connection.js';
import { createWorker } from './create-worker.js';

// Production worker entry point: reads only the environment and starts nothing embedded.
const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL);
installTemporalRuntime();
const { db, close: closeDb } = createDb(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
const connection = await connectWorkerConnection(config);
const worker = await createWorker({ connection, config, deps: { db } });

const shutdown = (signal: string) => {
  logger.info({ signal }, 'worker shutting down');
  worker.shutdown();
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
await worker.run();
await connection.close();
await closeDb();
logger.info('worker stopped');

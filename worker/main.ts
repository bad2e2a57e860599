import { loadConfigOrExit } from '../config/env.js';
import { createDb } from '../db/client.js';
import { createLogger } from '../lib/logger.js';
import { serveMetrics } from '../lib/metrics.js';
import { installPostgresCrashGuard } from '../lib/postgres-crash-guard.js';
import { installTemporalRuntime } from '../lib/temporal-runtime.js';
import { startTracing } from '../lib/tracing.js';
import { connectClient, connectWorkerConnection } from '../temporal/connection.js';
import { createWorker } from './create-worker.js';
import { ensureRetentionSchedule } from './retention-schedule.js';

// Production worker entry point: reads only the environment and starts nothing embedded.
const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL).child({ role: 'worker' });
installPostgresCrashGuard(logger);
installTemporalRuntime('INFO', { logger, metricsBindAddress: config.TEMPORAL_METRICS_BIND });
const tracing = startTracing({ serviceName: 'smsdesk-worker', endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const { db, close: closeDb } = createDb(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
const connection = await connectWorkerConnection(config);
const worker = await createWorker({
  connection,
  config,
  deps: { db, config },
  ...(config.TEMPORAL_WORKFLOW_BUNDLE ? { workflowBundle: { codePath: config.TEMPORAL_WORKFLOW_BUNDLE } } : {}),
  maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
  interceptors: tracing.worker.interceptors,
  traced: tracing.enabled,
  sinks: tracing.worker.sinks,
  // SIGTERM: stop polling, let running activities finish for this long, then cancel them (they are idempotent and
  // retried by another replica). Orchestrators kill after 30 s, so grace + cleanup must stay below that.
  shutdownGraceTime: `${config.WORKER_SHUTDOWN_GRACE_SECONDS}s`,
});

// The retention purge's Schedule, created (or updated) idempotently by every worker at start.
{
  const client = await connectClient(config);
  await ensureRetentionSchedule(client, config).catch((err) =>
    logger.error({ err }, 'could not create the retention schedule; retention does not run until a worker restarts'),
  );
  await client.connection.close();
}

const metricsServer = config.WORKER_METRICS_BIND
  ? await serveMetrics(
      config.WORKER_METRICS_BIND.slice(0, config.WORKER_METRICS_BIND.lastIndexOf(':')),
      Number(config.WORKER_METRICS_BIND.slice(config.WORKER_METRICS_BIND.lastIndexOf(':') + 1)),
    )
  : undefined;

const shutdown = (signal: string) => {
  if (worker.getState() !== 'RUNNING') return;
  logger.info({ signal }, 'worker shutting down');
  worker.shutdown();
  // Last resort if something below hangs: exit before the orchestrator's SIGKILL so the log says why.
  setTimeout(() => {
    logger.error('worker did not stop within 28 s; exiting');
    process.exit(1);
  }, 28_000).unref();
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

logger.info(
  {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    namespace: config.TEMPORAL_NAMESPACE,
    sdkMetrics: config.TEMPORAL_METRICS_BIND ?? null,
    metrics: metricsServer ? config.WORKER_METRICS_BIND : null,
    tracing: tracing.enabled,
  },
  'worker running',
);
let exitCode = 0;
try {
  await worker.run();
} catch (err) {
  logger.error({ err }, 'worker failed');
  exitCode = 1;
}
await metricsServer?.close();
await connection.close();
await closeDb();
await tracing.shutdown();
logger.info('worker stopped');
process.exit(exitCode);

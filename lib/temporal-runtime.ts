import type { LogLevel } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Logger } from './logger.js';

let installed = false;

export type TemporalRuntimeOptions = {
  /** Forward SDK logs (workflow/activity logs carry workflowId, runId, activityType) into our pino JSON log. */
  logger?: Logger;
  /** host:port for the SDK's Prometheus endpoint (worker task slots, poll latency, schedule-to-start, …). */
  metricsBindAddress?: string;
};

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Runtime.install must precede any other Temporal call and may run only once per process. Signal handling stays
 * with our entry points (shutdownSignals: []) so they can stop HTTP, the worker and the database in order.
 */
export function installTemporalRuntime(level: LogLevel = 'WARN', options: TemporalRuntimeOptions = {}): void {
  if (installed) return;
  const log = options.logger?.child({ component: 'temporal' });
  Runtime.install({
    logger: log
      ? new DefaultLogger(level, (entry) => log[PINO_LEVEL[entry.level]]({ ...entry.meta }, entry.message))
      : new DefaultLogger(level),
    shutdownSignals: [],
    ...(options.metricsBindAddress
      ? {
          telemetryOptions: {
            metrics: {
              prometheus: {
                bindAddress: options.metricsBindAddress,
                // Prometheus conventions: *_total counters and seconds, so standard alert rules read naturally.
                countersTotalSuffix: true,
                useSecondsForDurations: true,
              },
            },
          },
        }
      : {}),
  });
  installed = true;
}

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Duration } from '@temporalio/common';
import { type InjectedSinks, type NativeConnection, Worker, type WorkerInterceptors } from '@temporalio/worker';
import { type ActivityDeps, createActivities } from '../activities/index.js';
import type { Config } from '../config/env.js';

/** Prebuilt by `npm run build:workflows` for production images; dev and tests bundle at start-up instead. */
export const WORKFLOW_BUNDLE_PATH = fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url));
/** The same with the OpenTelemetry workflow interceptors, loaded only when tracing is on. */
export const TRACED_WORKFLOW_BUNDLE_PATH = fileURLToPath(new URL('../dist/workflow-bundle-traced.js', import.meta.url));

export function workflowsPath(): string {
  const ts = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../workflows/index.js', import.meta.url));
}

export type WorkerOptions = {
  connection: NativeConnection;
  config: Pick<Config, 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TASK_QUEUE'>;
  deps: ActivityDeps;
  /** Use a prebuilt bundle (tests bundle once per run and pass the code here). */
  workflowBundle?: { code: string } | { codePath: string };
  /** Telemetry (lib/tracing.ts). Workflow interceptor modules only take effect when bundling here (dev); production
   * bundles get them from build-workflow-bundle. */
  interceptors?: WorkerInterceptors;
  /** Tracing is on: the prebuilt bundle with the workflow interceptors (production) is loaded. */
  traced?: boolean;
  sinks?: InjectedSinks<Record<string, never>>;
  /** How long shutdown waits for running activities before cancelling them (default 0, the SDK's). */
  shutdownGraceTime?: Duration;
  /** Sticky workflow cache size (default DEFAULT_MAX_CACHED_WORKFLOWS). */
  maxCachedWorkflows?: number;
};

/**
 * The SDK sizes the sticky cache from the V8 heap limit (≈2,300 workflows with a 4 GiB heap), and each cached
 * conversation costs ≈0.3 MiB, so a worker holding thousands of open conversations grew past 512 MiB RSS
 * (bench:scale). Conversations are mostly idle; evicted ones replay their (short) history on their next task.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 500;

export async function createWorker(opts: WorkerOptions): Promise<Worker> {
  const prebuilt = opts.traced ? TRACED_WORKFLOW_BUNDLE_PATH : WORKFLOW_BUNDLE_PATH;
  const bundle =
    opts.workflowBundle ??
    (process.env.NODE_ENV === 'production' && existsSync(prebuilt) ? { codePath: prebuilt } : undefined);
  return Worker.create({
    connection: opts.connection,
    namespace: opts.config.TEMPORAL_NAMESPACE,
    taskQueue: opts.config.TEMPORAL_TASK_QUEUE,
    activities: createActivities(opts.deps),
    maxCachedWorkflows: opts.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    ...(bundle ? { workflowBundle: bundle } : { workflowsPath: workflowsPath() }),
    ...(opts.interceptors ? { interceptors: opts.interceptors } : {}),
    ...(opts.sinks ? { sinks: opts.sinks } : {}),
    ...(opts.shutdownGraceTime !== undefined ? { shutdownGraceTime: opts.shutdownGraceTime } : {}),
  });
}

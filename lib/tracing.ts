import { createRequire } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK, resources, tracing } from '@opentelemetry/sdk-node';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';

/**
 * Workflow-side OpenTelemetry interceptors. They run inside the workflow sandbox, so they must be part of the workflow
 * bundle (bundleWorkflowCode's workflowInterceptorModules); Worker.create ignores them when given a prebuilt bundle.
 */
export const WORKFLOW_TRACING_INTERCEPTOR_MODULES = [
  createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

export type Tracing = {
  enabled: boolean;
  /** For the API's and worker's Temporal Client: spans for start/signal/query, context passed in headers. */
  clientInterceptors: WorkflowClientInterceptor[];
  /** For Worker.create: activity spans and the sink the bundled workflow interceptors export their spans through. */
  worker: { interceptors: WorkerInterceptors; sinks: InjectedSinks<Record<string, never>> };
  shutdown: () => Promise<void>;
};

/**
 * Starts OpenTelemetry tracing only when OTEL_EXPORTER_OTLP_ENDPOINT is configured (OTLP over HTTP, /v1/traces).
 * Disabled tracing still registers the workflow span sink (with a no-op processor): the production bundle always
 * contains the workflow interceptors, and a bundle calling an unregistered sink would log an error on every span.
 */
export function startTracing(opts: { serviceName: string; endpoint: string | undefined }): Tracing {
  const resource = new resources.Resource({ 'service.name': opts.serviceName });
  if (!opts.endpoint) {
    return {
      enabled: false,
      clientInterceptors: [],
      worker: {
        interceptors: {},
        sinks: { exporter: makeWorkflowExporter(new tracing.NoopSpanProcessor(), resource) } as never,
      },
      shutdown: async () => {},
    };
  }
  const exporter = new OTLPTraceExporter({ url: `${opts.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const processor = new tracing.BatchSpanProcessor(exporter);
  const sdk = new NodeSDK({ resource, spanProcessors: [processor], instrumentations: [] });
  sdk.start();
  return {
    enabled: true,
    clientInterceptors: [new OpenTelemetryWorkflowClientInterceptor()],
    worker: {
      interceptors: {
        activity: [
          (ctx) => ({
            inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
            outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ],
        workflowModules: WORKFLOW_TRACING_INTERCEPTOR_MODULES,
      },
      sinks: { exporter: makeWorkflowExporter(processor, resource) } as never,
    },
    shutdown: () => sdk.shutdown(),
  };
}

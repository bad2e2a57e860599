import { context, ProxyTracerProvider, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../deps.js';

/**
 * A server span per request, continuing a caller's W3C traceparent. Temporal client calls made while handling the
 * request (signalWithStart, queries) become child spans through the client interceptor, and the workflow and activity
 * spans hang below them. Without a registered SDK (OTEL_EXPORTER_OTLP_ENDPOINT unset) it steps aside: copying the
 * headers and making a no-op span per request was a measurable share of a webhook callback's CPU.
 */
export function requestTracing(): MiddlewareHandler<AppEnv> {
  const tracer = trace.getTracer('smsdesk-api');
  // Checked per request until an SDK shows up (it may be registered after the app is built, as in tests).
  let enabled = false;
  const tracingOn = () => {
    if (enabled) return true;
    const provider = trace.getTracerProvider();
    enabled = !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer('smsdesk-api') !== undefined;
    return enabled;
  };
  return async (c, next) => {
    if (!tracingOn()) return next();
    const carrier: Record<string, string> = {};
    c.req.raw.headers.forEach((value, key) => {
      carrier[key] = value;
    });
    const parent = propagation.extract(context.active(), carrier);
    await tracer.startActiveSpan(
      `${c.req.method}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': c.req.method, 'url.path': c.req.path } },
      parent,
      async (span) => {
        try {
          await next();
          span.updateName(`${c.req.method} ${c.req.routePath}`);
          span.setAttribute('http.route', c.req.routePath);
          span.setAttribute('http.response.status_code', c.res.status);
          span.setAttribute('smsdesk.request_id', c.get('requestId'));
          if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        } finally {
          span.end();
        }
      },
    );
  };
}

import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { ProblemError, problemResponse } from '../lib/problem.js';
import { webRoutes } from '../web/routes.js';
import { loginLinkPageRoutes } from './auth/login-links-routes.js';
import { type ApiDeps, type AppEnv, provideDeps } from './deps.js';
import { bodyLimits } from './middleware/body-limit.js';
import { requestLog } from './middleware/request-log.js';
import { securityHeaders } from './middleware/security-headers.js';
import { requestTracing } from './middleware/tracing.js';
import { webhookTiming } from './middleware/webhook-timing.js';
import { describeApi } from './openapi-document.js';
import { setupResources } from './resources/index.js';
import { createRouter } from './router.js';
import { adminInboxRoutes } from './routes/admin-inbox.js';
import { agentRoutes } from './routes/agent/index.js';
import { apiDocsRoutes } from './routes/api-docs.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { webhookRoutes } from './routes/webhooks.js';

export function createApp(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  app.use(provideDeps(deps));
  app.use(requestId());
  app.use(requestTracing());
  app.use(requestLog(deps.logger));
  app.use(securityHeaders(deps.config));
  // Before any route reads a body: 413 from the Content-Length alone, or as soon as a chunked body passes the limit.
  app.use(bodyLimits());

  app.onError((err, c) => {
    if (err instanceof ProblemError) return problemResponse(c, err);
    if (err instanceof HTTPException && err.status < 500) {
      return problemResponse(c, new ProblemError(err.status, err.message || 'the request could not be processed'));
    }
    deps.logger.error({ err, requestId: c.get('requestId'), path: c.req.path }, 'unhandled error');
    return problemResponse(
      c,
      new ProblemError(500, 'an internal error occurred; see the server log', undefined, {
        requestId: c.get('requestId'),
      }),
    );
  });
  app.notFound((c) => problemResponse(c, new ProblemError(404, `no route for ${c.req.method} ${c.req.path}`)));

  app.route('/', healthRoutes(deps));
  app.route('/', metricsRoutes(deps));
  app.use('/webhooks/*', webhookTiming());
  app.route('/webhooks', webhookRoutes(deps));
  app.route('/', webRoutes(deps));
  app.route('/', loginLinkPageRoutes(deps));

  const v1 = createRouter();
  // Agent routes first: their literal paths (/agents/overview) must answer before setup's /agents/{id}.
  v1.route('/', agentRoutes(deps));
  v1.route('/', adminInboxRoutes(deps));
  v1.route('/', setupResources);
  describeApi(v1);
  app.route('/api/v1', v1);
  app.route('/api/docs', apiDocsRoutes());
  return app;
}

export type App = ReturnType<typeof createApp>;

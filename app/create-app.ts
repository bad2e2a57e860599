import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { loginLinkPageRoutes } from '../api/auth/login-links-routes.js';
import { sessionCookieOf } from '../api/auth/session-slots.js';
import { userFromSession } from '../api/auth.js';
import { type ApiDeps, type AppEnv, provideDeps } from '../api/deps.js';
import { bodyLimits } from '../api/middleware/body-limit.js';
import { requestLog } from '../api/middleware/request-log.js';
import { securityHeaders } from '../api/middleware/security-headers.js';
import { requestTracing } from '../api/middleware/tracing.js';
import { webhookTiming } from '../api/middleware/webhook-timing.js';
import { docsRouter } from '../api/resources/docs/index.js';
import { healthRouter } from '../api/resources/health/index.js';
import { metricsRouter } from '../api/resources/metrics/index.js';
import { provideSignInView, sessionRoutes } from '../api/resources/session/index.js';
import { api } from '../api/v1.js';
import { telesignWebhook } from '../api/webhooks/telesign.js';
import { ProblemError, problemResponse } from '../lib/problem.js';
import { providePageDeps, signInView, webPages } from '../web/routes.js';

/**
 * The one module that knows the API, the webhooks, the pages and the docs, and puts them together. Every router reads
 * what it needs from `c.var`, set here once per request: the API's deps, the pages' deps, the sign-in view.
 */
export function createApp(deps: ApiDeps) {
  return (
    new Hono<AppEnv>()
      .use(provideDeps(deps))
      .use(provideSignInView(signInView))
      .use(
        providePageDeps({
          temporalUiUrl: deps.config.TEMPORAL_UI_URL,
          sessionUser: (c) => userFromSession(deps, sessionCookieOf(c)),
        }),
      )
      .use(requestId())
      .use(requestTracing())
      .use(requestLog(deps.logger))
      .use(securityHeaders(deps.config))
      // Before any route reads a body: 413 from the Content-Length alone, or as soon as a chunked body passes the limit.
      .use(bodyLimits())
      .onError((err, c) => {
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
      })
      .notFound((c) => problemResponse(c, new ProblemError(404, `no route for ${c.req.method} ${c.req.path}`)))
      .route('/', healthRouter)
      .route('/', metricsRouter)
      .use('/webhooks/*', webhookTiming())
      .route('/webhooks', telesignWebhook)
      .route('/', sessionRoutes)
      .route('/', webPages)
      .route('/', loginLinkPageRoutes)
      .route('/', api)
      .route('/api/docs', docsRouter)
  );
}

export type App = ReturnType<typeof createApp>;

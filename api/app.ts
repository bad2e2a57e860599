import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { ProblemError, problemResponse } from '../lib/problem.js';
import { signInView, webPages } from '../web/routes.js';
import { loginLinkPageRoutes } from './auth/login-links-routes.js';
import { sessionCookieOf } from './auth/session-slots.js';
import { userFromSession } from './auth.js';
import { type ApiDeps, type AppEnv, provideDeps } from './deps.js';
import { bodyLimits } from './middleware/body-limit.js';
import { requestLog } from './middleware/request-log.js';
import { securityHeaders } from './middleware/security-headers.js';
import { requestTracing } from './middleware/tracing.js';
import { webhookTiming } from './middleware/webhook-timing.js';
import { describeApi } from './openapi-document.js';
import { attachmentsRouter, publicAttachmentsRouter } from './resources/attachments/index.js';
import { conversationActionsRouter } from './resources/conversation-actions/index.js';
import { conversationStartRouter } from './resources/conversation-start/index.js';
import { conversationsRouter } from './resources/conversations/index.js';
import { docsRouter } from './resources/docs/index.js';
import { eventsRouter } from './resources/events/index.js';
import { healthRouter } from './resources/health/index.js';
import { inboxRouter } from './resources/inbox/index.js';
import { setupResources } from './resources/index.js';
import { meRouter } from './resources/me/index.js';
import { metricsRouter } from './resources/metrics/index.js';
import { reportsRouter } from './resources/reports/index.js';
import { serviceLevels } from './resources/service-levels/index.js';
import { sessionRoutes } from './resources/session/index.js';
import { statsRouter } from './resources/stats/index.js';
import { createRouter } from './router.js';
import { telesignWebhook } from './webhooks/telesign.js';

/**
 * /api/v1: every resource, chained so the app's type carries each route (web/ builds its client on it). Literal
 * paths (`/agents/overview`) come before resources with an id in the same place (`/agents/{id}`).
 */
function apiV1(deps: ApiDeps) {
  const v1 = createRouter()
    .route('/', statsRouter)
    .route('/', meRouter)
    .route('/', conversationsRouter)
    .route('/', conversationStartRouter)
    .route('/', conversationActionsRouter)
    .route('/', attachmentsRouter)
    .route('/', publicAttachmentsRouter)
    .route('/', eventsRouter())
    .route('/', inboxRouter)
    .route('/', reportsRouter)
    .route('/', serviceLevels)
    .route('/', setupResources);
  describeApi(v1);
  return v1;
}

/** The one module that knows the API, the webhooks, the pages and the docs, and puts them together. */
export function createApp(deps: ApiDeps) {
  return (
    new Hono<AppEnv>()
      .use(provideDeps(deps))
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
      .route('/', metricsRouter())
      .use('/webhooks/*', webhookTiming())
      // Built once per app: the webhook owns a small writer pool and the hand-over queue for the process's lifetime.
      .route('/webhooks', telesignWebhook(deps))
      .route('/', sessionRoutes(signInView))
      .route(
        '/',
        webPages({
          temporalUiUrl: deps.config.TEMPORAL_UI_URL,
          sessionUser: (c) => userFromSession(deps, sessionCookieOf(c)),
        }),
      )
      .route('/', loginLinkPageRoutes(deps))
      .route('/api/v1', apiV1(deps))
      .route('/api/docs', docsRouter)
  );
}

export type App = ReturnType<typeof createApp>;
/** The whole app's routes as a type: web/client builds its typed client on it (`hc<AppType>`). */
export type AppType = App;

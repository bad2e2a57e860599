import type { ApiDeps } from '../../deps.js';
import { provideDeps } from '../../deps.js';
import { authenticated, guardedRouter } from '../../middleware/authenticated.js';
import { createRouter } from '../../router.js';
import { type EventRouteOptions, streamEventsHandler } from './events.handlers.js';
import { streamEvents } from './events.routes.js';

export { canSee, type EventRouteOptions, type ReplayCaps, replay, replayQuery } from './events.handlers.js';

/** GET /events (mounted there): the caller's live events (SSE), with the SSE_* settings of the request's deps. */
export const eventsRouter = guardedRouter(['/', authenticated]).openapi(streamEvents, streamEventsHandler());

/**
 * The stream alone with its own dependencies, for a server (or test) that mounts nothing else. `options` stay an
 * argument: they differ per mount (tests shorten heartbeats and caps), which the shared deps cannot say.
 */
export const eventRoutes = (deps: ApiDeps, options: EventRouteOptions = {}) =>
  createRouter()
    .use(provideDeps(deps))
    .route('/events', guardedRouter(['/', authenticated]).openapi(streamEvents, streamEventsHandler(options)));

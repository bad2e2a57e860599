import type { ApiDeps } from '../../deps.js';
import { provideDeps } from '../../deps.js';
import { authenticated, guardedRouter } from '../../middleware/authenticated.js';
import { createRouter } from '../../router.js';
import { type EventRouteOptions, streamEventsHandler } from './events.handlers.js';
import { streamEvents } from './events.routes.js';

export { canSee, type EventRouteOptions, type ReplayCaps, replay, replayQuery } from './events.handlers.js';

/** GET /events: the caller's live events (SSE). `options` override the SSE_* settings (tests). */
export const eventsRouter = (options: EventRouteOptions = {}) =>
  guardedRouter(['/events', authenticated]).openapi(streamEvents, streamEventsHandler(options));

/** The stream alone with its own dependencies, for a server (or test) that mounts nothing else. */
export const eventRoutes = (deps: ApiDeps, options: EventRouteOptions = {}) =>
  createRouter().use(provideDeps(deps)).route('/', eventsRouter(options));

import { Hono } from 'hono';
import type { AppEnv } from '../../deps.js';
import { live, ready } from './health.handlers.js';

/** GET /healthz and /readyz, for load balancers and orchestrators (not part of the OpenAPI document). */
export const healthRouter = new Hono<AppEnv>().get('/healthz', live).get('/readyz', ready);

import { Hono } from 'hono';
import type { AppEnv } from '../../deps.js';
import { scrapeMetrics } from './metrics.handlers.js';

/** GET /metrics, when METRICS_ENABLED (not part of the OpenAPI document). */
export const metricsRouter = new Hono<AppEnv>().get('/metrics', scrapeMetrics);

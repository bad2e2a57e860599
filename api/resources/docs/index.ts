import { Hono } from 'hono';
import type { AppEnv } from '../../deps.js';
import { docsAsset, docsInit, docsPage } from './docs.handlers.js';

/** /api/docs: the readable API reference (Swagger UI, served locally). */
export const docsRouter = new Hono<AppEnv>()
  .get('/', docsPage)
  .get('/init.js', docsInit)
  .get('/assets/:file', docsAsset);

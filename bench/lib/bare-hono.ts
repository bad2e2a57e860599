/**
 * The reference point for webhook throughput: a bare Hono handler on @hono/node-server that reads the body and
 * answers `200 {}` — no signature, no database. Run as its own process (like the API) by bench/webhook-ingest.ts.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/webhooks/telesign/:accountId', async (c) => {
  await c.req.text();
  return c.json({});
});
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  console.log(`listening ${info.port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

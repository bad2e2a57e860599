import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../../api/deps.js';
import { requestLog } from '../../../api/middleware/request-log.js';
import { createLogger } from '../../../lib/logger.js';

function appLoggingTo(lines: { level: number; path: string; status: number }[]) {
  const logger = createLogger('info', { write: (s: string) => lines.push(JSON.parse(s)) });
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(requestLog(logger));
  app.post('/webhooks/telesign/:id', (c) => (c.req.param('id') === 'ok' ? c.json({}) : c.json({}, 401)));
  app.get('/api/v1/queues', (c) => c.json([]));
  return app;
}

describe('request log', () => {
  it('logs agent API requests at info with method, path, status and duration', async () => {
    const lines: { level: number; path: string; status: number }[] = [];
    await appLoggingTo(lines).request('/api/v1/queues');
    expect(lines).toMatchObject([{ level: 30, path: '/api/v1/queues', status: 200, method: 'GET' }]);
  });

  it('keeps accepted TeleSign callbacks out of the info log but logs rejected ones', async () => {
    const lines: { level: number; path: string; status: number }[] = [];
    const app = appLoggingTo(lines);
    await app.request('/webhooks/telesign/ok', { method: 'POST' });
    await app.request('/webhooks/telesign/bad', { method: 'POST' });
    expect(lines).toMatchObject([{ level: 30, path: '/webhooks/telesign/bad', status: 401 }]);
  });
});

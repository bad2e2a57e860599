import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app/create-app.js';
import { freePort } from '../../dev/temporal-dev-server.js';
import { createLogger } from '../../lib/logger.js';
import { createTestStack, type TestStack } from '../support/stack.js';

let s: TestStack;
beforeAll(async () => {
  s = await createTestStack({ worker: false });
});
afterAll(() => s.close());

describe('health endpoints', () => {
  it('healthz answers while the process is alive', async () => {
    const res = await s.app.request('/healthz');
    expect(res.status).toBe(200);
  });

  it('readyz is 200 when Postgres and Temporal answer', async () => {
    const res = await s.app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', temporal: 'ok' } });
  });

  it('readyz is 503 naming Temporal when it is unreachable', async () => {
    const deadPort = await freePort();
    // A lazy connection to a port nobody listens on: a real client facing a real outage.
    const connection = Connection.lazy({ address: `127.0.0.1:${deadPort}`, connectTimeout: 500 });
    const temporal = new Client({ connection });
    const app = createApp({ ...s, sql: s.db.sql, db: s.db.db, temporal, logger: createLogger('silent') });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.checks.postgres).toBe('ok');
    expect(body.checks.temporal).toMatch(/^down/);
    await connection.close();
  });

  it('unknown routes answer problem+json 404', async () => {
    const res = await s.app.request('/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
});

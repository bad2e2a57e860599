import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { call } from './helpers.js';

let s: TestStack;
beforeAll(async () => {
  s = await createTestStack({ worker: false });
});
afterAll(() => s.close());

describe('setup routes beside the agent API', () => {
  // Both routers are mounted on /api/v1; a setup route with an {id} must not swallow a static agent-API path.
  it('GET /agents/overview reaches the agent API, not GET /agents/{id}', async () => {
    const r = await call(s, 'GET', '/agents/overview');
    expect(r.status, r.text).toBe(200);
    expect(r.body.items).toEqual(expect.any(Array));
  });

  it('GET /queues/{id}/stats still reaches the agent API', async () => {
    const q = await call(s, 'POST', '/queues', { name: 'stats' });
    const r = await call(s, 'GET', `/queues/${q.body.id}/stats`);
    expect(r.status, r.text).toBe(200);
  });
});

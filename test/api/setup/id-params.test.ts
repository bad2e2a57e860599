import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { call } from './helpers.js';

let s: TestStack;
beforeAll(async () => {
  s = await createTestStack({ worker: false });
});
afterAll(() => s.close());

// The id answers the router used to give by patching its paths, now given by the shared IdParam and id-shape gate.
describe('setup path ids', () => {
  it('an id that is not UUID-shaped is no route (404 before authentication), also in a nested resource', async () => {
    for (const path of ['/queues/abc', '/workstreams/nope/sms-channels', '/agents/x/login-links']) {
      const r = await s.app.request(`/api/v1${path}`, { method: path.endsWith('links') ? 'POST' : 'GET' });
      expect(r.status, path).toBe(404);
      expect((await r.json()).detail, path).toMatch(/^no route for /);
    }
  });

  it('a UUID-shaped id that is not a UUID is a 422 naming the parameter', async () => {
    const r = await call(s, 'GET', '/queues/abc-123');
    expect(r.status, r.text).toBe(422);
    expect(r.body.errors).toEqual([expect.objectContaining({ path: 'id' })]);
  });

  it('an unknown UUID is a 404 naming the parameter', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const r = await call(s, 'GET', `/workstreams/${id}/routing-rules/${id}`);
    expect(r.status, r.text).toBe(404);
    expect(r.body.errors?.[0]?.path).toBe('id');
  });
});

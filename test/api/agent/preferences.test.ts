import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { makeUser, type TestUser } from './fixtures.js';

let s: TestStack;
let ana: TestUser;
let ben: TestUser;

beforeAll(async () => {
  s = await createTestStack({ worker: false });
  ana = await makeUser(s.db.db, { name: 'Ana' });
  ben = await makeUser(s.db.db, { role: 'supervisor', name: 'Ben' });
});
afterAll(async () => {
  await s?.close();
});

const req = (method: string, user: TestUser | null, body?: string) =>
  s.app.request('/api/v1/me/preferences', {
    method,
    headers: { ...(user?.headers ?? {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body }),
  });

describe('/me/preferences', () => {
  it('defaults to the offer sound on; a change is kept per user', async () => {
    expect(await (await req('GET', ana)).json()).toEqual({ offerSound: true });
    const put = await req('PUT', ana, JSON.stringify({ offerSound: false }));
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ offerSound: false });
    expect(await (await req('GET', ana)).json()).toEqual({ offerSound: false });
    // Another user's setting is their own.
    expect(await (await req('GET', ben)).json()).toEqual({ offerSound: true });
    // A change without fields keeps the value.
    expect(await (await req('PUT', ana, '{}')).json()).toEqual({ offerSound: false });
  });

  it('refuses a wrong type or an unknown field with 422 naming the field, and no credentials with 401', async () => {
    const bad = await req('PUT', ana, JSON.stringify({ offerSound: 'yes' }));
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('offerSound');
    const unknown = await req('PUT', ana, JSON.stringify({ volume: 3 }));
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(await unknown.json())).toContain('volume');
    expect((await req('PUT', ana)).status).toBe(422);
    expect((await req('GET', null)).status).toBe(401);
    expect((await req('PUT', null, '{}')).status).toBe(401);
  });
});

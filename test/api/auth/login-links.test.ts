import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginLinks } from '../../../db/schema/index.js';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { call, expectProblem } from '../setup/helpers.js';

let s: TestStack;
beforeAll(async () => {
  s = await createTestStack({ worker: false });
});
afterAll(async () => {
  await s.close();
});

async function newUser(role: 'agent' | 'supervisor' | 'admin') {
  const r = await call(s, 'POST', '/agents', { name: `Link ${role} ${Math.random()}`, role, capacity: 3 });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string; token: string };
}

async function linkFor(userId: string, body?: unknown) {
  const r = await call(s, 'POST', `/agents/${userId}/login-links`, body);
  expect(r.status, r.text).toBe(201);
  return r.body as { url: string; expiresAt: string; userId: string };
}

const open = (url: string) => s.app.request(new URL(url).pathname + new URL(url).search);

describe('one-time sign-in links', () => {
  it('signs the user in once, with the normal session, then refuses the same link', async () => {
    const agent = await newUser('agent');
    const link = await linkFor(agent.id);
    expect(link.url).toMatch(/\/app\/login\/link\?token=sdl_/);
    const minutes = (Date.parse(link.expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);

    const first = await open(link.url);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toMatch(/^\/app\?as=[\w-]{8}$/);
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/smsdesk_session=[^;]+;.*HttpOnly/i);
    // The session works for the API like one made by the sign-in form.
    const me = await s.app.request('/api/v1/me', { headers: { cookie: cookie.split(';')[0]! } });
    expect(me.status).toBe(200);
    expect((await me.json()).id).toBe(agent.id);

    const again = await open(link.url);
    expect(again.status).toBe(410);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.text()).toMatch(/already used, has expired/);
  });

  it('sends admins to the setup wizard and honours an explicit target', async () => {
    const admin = await newUser('admin');
    expect((await open((await linkFor(admin.id)).url)).headers.get('location')).toMatch(/^\/admin\?as=/);
    expect((await open((await linkFor(admin.id, { next: '/app' })).url)).headers.get('location')).toMatch(
      /^\/app\?as=/,
    );
  });

  it('stores only a hash of the token', async () => {
    const agent = await newUser('agent');
    const link = await linkFor(agent.id);
    const token = new URL(link.url).searchParams.get('token')!;
    const rows = await s.db.db.select().from(loginLinks);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.tokenHash).not.toContain(token.slice(4));
  });

  it('refuses an expired link', async () => {
    const agent = await newUser('agent');
    const link = await linkFor(agent.id, { ttlMinutes: 1 });
    await s.db.db.update(loginLinks).set({ expiresAt: new Date(Date.now() - 1000) });
    expect((await open(link.url)).status).toBe(410);
  });

  it('lets exactly one of two simultaneous clicks sign in', async () => {
    const agent = await newUser('supervisor');
    const link = await linkFor(agent.id);
    const statuses = (await Promise.all([open(link.url), open(link.url), open(link.url)])).map((r) => r.status);
    expect(statuses.sort()).toEqual([303, 410, 410]);
  });

  it('refuses a made-up or malformed token without touching the database', async () => {
    expect((await s.app.request('/app/login/link?token=sdl_nope')).status).toBe(410);
    expect((await s.app.request('/app/login/link')).status).toBe(410);
    expect((await s.app.request(`/app/login/link?token=sdl_${'A'.repeat(43)}`)).status).toBe(410);
  });

  it('is for admins only, names bad fields and unknown users', async () => {
    const agent = await newUser('agent');
    expectProblem(await call(s, 'POST', `/agents/${agent.id}/login-links`, {}, agent.token), 403, { errors: false });
    expectProblem(await call(s, 'POST', `/agents/${agent.id}/login-links`, {}, null), 401);
    const bad = expectProblem(await call(s, 'POST', `/agents/${agent.id}/login-links`, { ttlMinutes: 600 }), 422);
    expect(bad.errors?.[0]?.path).toBe('ttlMinutes');
    const unknown = await call(s, 'POST', '/agents/00000000-0000-4000-8000-000000000000/login-links', {});
    expectProblem(unknown, 404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../support/seed.js';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { call, expectProblem } from './helpers.js';

// Agents are disabled instead of deleted: a disabled user cannot sign in (token, cookie, form) and gets no work.
let s: TestStack;
beforeAll(async () => {
  s = await createTestStack({ worker: false });
});
afterAll(async () => {
  await s?.close();
});

const signIn = (token: string) =>
  s.app.request('http://smsdesk.test/app/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://smsdesk.test' },
    body: new URLSearchParams({ token, next: '/app' }).toString(),
  });

describe('disabling a user', () => {
  it('ends their sessions, refuses their token and the sign-in form, and sets them offline; enabling undoes it', async () => {
    const agent = await createAgent(s.db.db, { presence: 'available' });
    const cookie = (await signIn(agent.token)).headers.get('set-cookie')!.split(';')[0]!;
    expect((await s.app.request('/api/v1/me', { headers: { cookie } })).status).toBe(200);

    const r = await call(s, 'PATCH', `/agents/${agent.id}`, { disabled: true });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ disabled: true, presence: 'offline' });
    expect((await call(s, 'GET', '/me', undefined, agent.token)).status).toBe(401);
    expect((await s.app.request('/api/v1/me', { headers: { cookie } })).status).toBe(401);
    expect((await signIn(agent.token)).status).toBe(401);
    expect((await call(s, 'GET', `/agents/${agent.id}`)).body.disabled).toBe(true);

    expect((await call(s, 'PATCH', `/agents/${agent.id}`, { disabled: false })).body.disabled).toBe(false);
    expect((await call(s, 'GET', '/me', undefined, agent.token)).status).toBe(200);
  });

  it('supervisors cannot disable anyone; the last admin cannot be disabled; a non-boolean is 422', async () => {
    const supervisor = await createAgent(s.db.db, { role: 'supervisor' });
    const agent = await createAgent(s.db.db);
    expectProblem(await call(s, 'PATCH', `/agents/${agent.id}`, { disabled: true }, supervisor.token), 403);
    const [admin] = await s.db.sql`select id from users where role = 'admin'`;
    const last = expectProblem(await call(s, 'PATCH', `/agents/${admin!.id}`, { disabled: true }), 409);
    expect(last.errors?.[0]?.path).toBe('disabled');
    const bad = expectProblem(await call(s, 'PATCH', `/agents/${agent.id}`, { disabled: 'yes' }), 422);
    expect(bad.errors?.[0]?.path).toBe('disabled');
  });
});

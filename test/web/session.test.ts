import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app/create-app.js';
import { createLogger } from '../../lib/logger.js';
import { createAgent } from '../support/seed.js';
import { createTestStack, type TestStack } from '../support/stack.js';

// Browser sessions: the login form trades a token for an HttpOnly, SameSite=Strict cookie that the API accepts
// beside the bearer header; cookie-authenticated writes need the CSRF header.
let s: TestStack;
const origin = 'http://smsdesk.test';
beforeAll(async () => {
  s = await createTestStack({ worker: false });
});
afterAll(async () => {
  await s?.close();
});

const deps = () => ({
  config: s.config,
  db: s.db.db,
  sql: s.db.sql,
  temporal: s.temporal,
  logger: createLogger('silent'),
});

async function login(token: string, headers: Record<string, string> = { origin }) {
  return s.app.request('http://smsdesk.test/app/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token, next: '/app' }).toString(),
  });
}
const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0]!;

describe('browser sessions', () => {
  it('signing in with a valid token sets an HttpOnly SameSite=Strict session cookie and redirects to the workspace', async () => {
    const agent = await createAgent(s.db.db);
    const res = await login(agent.token);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/app\?lang=/);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^smsdesk_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toContain(agent.token);

    const me = await s.app.request('/api/v1/me', { headers: { cookie: cookieOf(res) } });
    expect(me.status).toBe(200);
    expect((await me.json()).id).toBe(agent.id);
  });

  it('a wrong token is answered 401 with the form again and no cookie', async () => {
    const res = await login('sd_not_a_real_token');
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toContain('not valid');
  });

  it('a sign-in posted from another origin is refused (login CSRF)', async () => {
    const agent = await createAgent(s.db.db);
    const res = await login(agent.token, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('cookie-authenticated writes need the CSRF header; reads do not', async () => {
    const agent = await createAgent(s.db.db);
    const cookie = cookieOf(await login(agent.token));
    const body = JSON.stringify({ presence: 'away' });
    const without = await s.app.request('/api/v1/me/presence', {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/json' },
      body,
    });
    expect(without.status).toBe(403);
    expect((await without.json()).errors[0].path).toBe('x-smsdesk-csrf');
    const withHeader = await s.app.request('/api/v1/me/presence', {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/json', 'x-smsdesk-csrf': '1' },
      body,
    });
    expect(withHeader.status).toBe(200);
    expect((await withHeader.json()).presence).toBe('away');
  });

  it('a tampered, expired or revoked cookie is 401', async () => {
    const agent = await createAgent(s.db.db);
    const cookie = cookieOf(await login(agent.token));
    const [name, value] = cookie.split('=') as [string, string];
    const flipped = `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
    const tampered = await s.app.request('/api/v1/me', { headers: { cookie: `${name}=${flipped}` } });
    expect(tampered.status).toBe(401);

    const other = cookieOf(await login(agent.token));
    await s.db.sql`update browser_sessions set expires_at = now() - interval '1 second' where user_id = ${agent.id}`;
    const expired = await s.app.request('/api/v1/me', { headers: { cookie: other } });
    expect(expired.status).toBe(401);

    // Rotating the token ends the browser sessions made with the old one.
    const third = cookieOf(await login(agent.token));
    expect((await s.app.request('/api/v1/me', { headers: { cookie: third } })).status).toBe(200);
    await s.db.sql`update users set token_hash = ${'f'.repeat(64)} where id = ${agent.id}`;
    const revoked = await s.app.request('/api/v1/me', { headers: { cookie: third } });
    expect(revoked.status).toBe(401);
  });

  it('signing out revokes the session server-side: a copy of the cookie stops working on the API and the pages', async () => {
    const agent = await createAgent(s.db.db);
    const cookie = cookieOf(await login(agent.token));
    expect((await s.app.request('/api/v1/me', { headers: { cookie } })).status).toBe(200);
    const out = await s.app.request('http://smsdesk.test/app/logout', { method: 'POST', headers: { origin, cookie } });
    expect(out.status).toBe(303);
    // The stolen copy, replayed after sign-out:
    const me = await s.app.request('/api/v1/me', { headers: { cookie } });
    expect(me.status).toBe(401);
    const page = await s.app.request('/app', { headers: { cookie } });
    expect(await page.text()).toContain('name="token"');
    const [row] = await s.db.sql`select count(*)::int as n from browser_sessions where user_id = ${agent.id}`;
    expect(row!.n).toBe(0);
  });

  it('on an https public URL the session cookie is Secure', async () => {
    const agent = await createAgent(s.db.db);
    const app = createApp({ ...deps(), config: { ...s.config, PUBLIC_BASE_URL: 'https://desk.example' } });
    const res = await app.request('https://desk.example/app/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://desk.example' },
      body: new URLSearchParams({ token: agent.token, next: '/app' }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    expect((await login(agent.token)).headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
  });

  it('user-controlled text is escaped in the page (a name cannot inject markup)', async () => {
    const agent = await createAgent(s.db.db, { name: '"><script>alert(1)</script>' });
    const cookie = cookieOf(await login(agent.token));
    const html = await (await s.app.request('/app', { headers: { cookie } })).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('/admin is refused to agents and served to admins, in Bulgarian when asked', async () => {
    const agent = await createAgent(s.db.db);
    const agentCookie = cookieOf(await login(agent.token));
    expect((await s.app.request('/admin', { headers: { cookie: agentCookie } })).status).toBe(403);
    const adminCookie = cookieOf(await login('test-admin-token-0123456789'));
    const page = await s.app.request('/admin?lang=bg', { headers: { cookie: adminCookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<html lang="bg">');
    expect(html).toContain('Настройка на SMS канал');
  });
});

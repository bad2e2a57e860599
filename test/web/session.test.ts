import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSession } from '../../api/auth.js';
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
    const [payload, sig] = value.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, u: crypto.randomUUID() })).toString('base64url');
    const tampered = await s.app.request('/api/v1/me', { headers: { cookie: `${name}=${forged}.${sig}` } });
    expect(tampered.status).toBe(401);

    const row = await s.db.sql`select token_hash from users where id = ${agent.id}`;
    const old = signSession(s.config, { id: agent.id, tokenHash: row[0]!.token_hash }, Date.now() - 13 * 3600_000);
    const expired = await s.app.request('/api/v1/me', { headers: { cookie: `${name}=${old}` } });
    expect(expired.status).toBe(401);

    // Rotating the token ends the browser sessions made with the old one.
    await s.db.sql`update users set token_hash = ${'f'.repeat(64)} where id = ${agent.id}`;
    const revoked = await s.app.request('/api/v1/me', { headers: { cookie } });
    expect(revoked.status).toBe(401);
  });

  it('signing out deletes the cookie; pages without a session show the sign-in form', async () => {
    const res = await s.app.request('http://smsdesk.test/app/logout', { method: 'POST', headers: { origin } });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/smsdesk_session=;.*Max-Age=0/i);
    const page = await s.app.request('/app');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="token"');
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

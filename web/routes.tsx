import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import {
  createSession,
  hashToken,
  revokeSession,
  SESSION_COOKIE,
  sessionCookieOptions,
  userFromSession,
} from '../api/auth.js';
import type { ApiDeps, AppEnv } from '../api/deps.js';
import { recordAuthFailure } from '../api/middleware/rate-limit.js';
import { users } from '../db/schema/index.js';
import { fieldsProblem } from '../lib/problem.js';
import { findUnsafeStrings } from '../lib/text-safety.js';
import { asset, assetUrl, isAssetName } from './assets.js';
import { DICTS, pickLang } from './i18n.js';
import { AdminPage } from './pages/admin.js';
import { AgentPage } from './pages/agent.js';
import { ForbiddenPage, LoginPage } from './pages/login.js';

/** Only our own pages are valid targets after sign-in (no open redirect). */
const safeNext = (next: unknown) => (next === '/admin' ? '/admin' : '/app');

/** Server-rendered pages: /app (agent workspace), /admin (setup wizard), their assets and the session routes. */
export function webRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const publicOrigin = new URL(deps.config.PUBLIC_BASE_URL).origin;
  // Sign-in and sign-out are form posts without the session's CSRF header: check Origin / Sec-Fetch-Site instead.
  const sameOrigin = csrf({ origin: (origin, c) => origin === new URL(c.req.url).origin || origin === publicOrigin });
  const secure = publicOrigin.startsWith('https:');

  const langOf = (c: Context<AppEnv>) => pickLang(c.req.query('lang'), c.req.header('accept-language'));
  const common = async (c: Context<AppEnv>) => {
    const lang = langOf(c);
    return { lang, t: DICTS[lang], css: await assetUrl('app.css') };
  };
  const noStore = (c: Context<AppEnv>) => c.header('Cache-Control', 'no-store');

  app.get('/assets/:name', async (c) => {
    const name = c.req.param('name');
    if (!isAssetName(name)) return c.notFound();
    const a = await asset(name);
    // Versioned URLs (?v=hash) never change content; unversioned ones revalidate.
    c.header('Cache-Control', c.req.query('v') === a.hash ? 'public, max-age=31536000, immutable' : 'no-cache');
    c.header('Content-Type', a.type);
    return c.body(a.body);
  });

  // The sign-in form is public; its body limit (a few KiB) is applied app-wide (api/middleware/body-limit.ts).
  app.post('/app/login', sameOrigin, async (c) => {
    const form = await c.req.parseBody();
    // The same storable-text rule as every API input (lib/text-safety.ts): 422 naming the field.
    const unsafe = findUnsafeStrings(form, 'form');
    if (unsafe.length > 0) throw fieldsProblem(unsafe);
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const next = safeNext(form.next);
    const row = token
      ? await deps.db.query.users.findFirst({
          where: eq(users.tokenHash, hashToken(token)),
          columns: { id: true, tokenHash: true },
        })
      : undefined;
    const lang = pickLang(typeof form.lang === 'string' ? form.lang : undefined, c.req.header('accept-language'));
    if (!row) {
      await recordAuthFailure(deps, c, token);
      noStore(c);
      const { css } = await common(c);
      return c.html(<LoginPage t={DICTS[lang]} lang={lang} css={css} next={next} error />, 401);
    }
    setCookie(c, SESSION_COOKIE, await createSession(deps, row), sessionCookieOptions(deps.config));
    return c.redirect(`${next}?lang=${lang}`, 303);
  });

  // Sign-out ends the session server-side, so a copy of the cookie stops working too.
  app.post('/app/logout', sameOrigin, async (c) => {
    await revokeSession(deps, getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure });
    return c.redirect('/app', 303);
  });

  const page = (path: '/app' | '/admin') =>
    app.get(path, async (c) => {
      noStore(c);
      const { lang, t, css } = await common(c);
      const user = await userFromSession(deps, getCookie(c, SESSION_COOKIE));
      if (!user) return c.html(<LoginPage t={t} lang={lang} css={css} next={path} />);
      if (path === '/admin') {
        if (user.role !== 'admin') return c.html(<ForbiddenPage t={t} lang={lang} css={css} />, 403);
        return c.html(<AdminPage t={t} lang={lang} css={css} script={await assetUrl('admin.js')} />);
      }
      return c.html(
        <AgentPage
          t={t}
          lang={lang}
          css={css}
          script={await assetUrl('agent.js')}
          user={user}
          temporalUiUrl={deps.config.TEMPORAL_UI_URL}
        />,
      );
    });
  page('/app');
  page('/admin');
  return app;
}

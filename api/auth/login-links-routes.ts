import { Hono } from 'hono';
import type { AppEnv } from '../deps.js';
import { consumeLoginLink } from './login-links.js';
import { startBrowserSession } from './session-slots.js';

export const LOGIN_LINK_PATH = '/app/login/link';

/** `GET /app/login/link?token=…`: uses the link up, sets the normal session cookie and redirects to the target page. */
export const loginLinkPageRoutes = new Hono<AppEnv>().get(LOGIN_LINK_PATH, async (c) => {
  const deps = c.var.deps;
  // The token must not linger in caches or leak through the Referer of the next page.
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  const token = c.req.query('token') ?? '';
  const used = /^sdl_[A-Za-z0-9_-]{43}$/.test(token) ? await consumeLoginLink(deps.db, token) : null;
  if (!used) {
    const message =
      'This sign-in link is not valid: it was already used, has expired, or was copied incompletely. ' +
      'Ask for a new link (restarting npm start prints fresh ones), or sign in with your token.';
    return c.html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in link not valid</title></head>` +
        `<body><main><h1>Sign-in link not valid</h1><p>${message}</p><p><a href="/app">Sign in</a></p></main></body></html>`,
      410,
    );
  }
  const slot = await startBrowserSession(c, deps, used.user);
  return c.redirect(`${used.next}?as=${slot}`, 303);
});

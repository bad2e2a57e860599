import { Hono } from 'hono';
import { csrf } from 'hono/csrf';
import type { ApiDeps, AppEnv } from '../../deps.js';
import { signIn, signOut } from './session.handlers.js';
import type { SignInView } from './sign-in-view.js';

export type { SignInView } from './sign-in-view.js';

/**
 * Browser sign-in and sign-out (form posts from the pages, not part of the OpenAPI document). They carry no CSRF
 * header, so Origin / Sec-Fetch-Site is checked instead: our own origin or the public one.
 */
export function sessionRoutes(view: SignInView) {
  const sameOrigin = csrf({
    origin: (origin, c) =>
      origin === new URL(c.req.url).origin || origin === new URL((c.var.deps as ApiDeps).config.PUBLIC_BASE_URL).origin,
  });
  return new Hono<AppEnv>().post('/app/login', sameOrigin, signIn(view)).post('/app/logout', sameOrigin, signOut);
}

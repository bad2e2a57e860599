import { Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { createMiddleware } from 'hono/factory';
import type { ApiDeps } from '../../deps.js';
import { signIn, signOut } from './session.handlers.js';
import type { SessionEnv, SignInView } from './sign-in-view.js';

export type { SessionEnv, SignInView } from './sign-in-view.js';

/** Hands the pages' sign-in view to the session routes through `c.var.signInView` (set once by the app). */
export const provideSignInView = (view: SignInView) =>
  createMiddleware<SessionEnv>(async (c, next) => {
    c.set('signInView', view);
    await next();
  });

/**
 * Browser sign-in and sign-out (form posts from the pages, not part of the OpenAPI document). They carry no CSRF
 * header, so Origin / Sec-Fetch-Site is checked instead: our own origin or the public one.
 */
const sameOrigin = csrf({
  origin: (origin, c) =>
    origin === new URL(c.req.url).origin || origin === new URL((c.var.deps as ApiDeps).config.PUBLIC_BASE_URL).origin,
});

export const sessionRoutes = new Hono<SessionEnv>()
  .post('/app/login', sameOrigin, signIn)
  .post('/app/logout', sameOrigin, signOut);

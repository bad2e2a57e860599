import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { auditLog, users } from '../../db/schema/index.js';
import { createSession, guard, SESSION_COOKIE, sessionCookieOptions } from '../auth.js';
import type { ApiDeps, AppEnv } from '../deps.js';
import { createSetupRouter, IdParam, jsonBody, jsonResponse, setupRoute, unknownId } from '../routes/setup/common.js';
import {
  consumeLoginLink,
  createLoginLink,
  defaultTarget,
  LOGIN_LINK_TARGETS,
  LOGIN_LINK_TTL_MINUTES,
} from './login-links.js';

export const LOGIN_LINK_PATH = '/app/login/link';

const LoginLinkCreate = z
  .object({
    ttlMinutes: z
      .number()
      .int('must be a whole number of minutes')
      .min(1, 'must be at least 1')
      .max(LOGIN_LINK_TTL_MINUTES.max, `must be at most ${LOGIN_LINK_TTL_MINUTES.max}`)
      .default(LOGIN_LINK_TTL_MINUTES.default)
      .openapi({ description: 'Minutes until the link expires' }),
    next: z
      .enum(LOGIN_LINK_TARGETS, { error: 'must be /app or /admin' })
      .optional()
      .openapi({ description: 'Page after sign-in; admins default to /admin, others to /app' }),
  })
  .strict()
  .openapi('LoginLinkCreate');

const LoginLink = z
  .object({
    userId: z.uuid(),
    url: z.string().openapi({ description: 'Open once to sign in; shown only in this response' }),
    expiresAt: z.string(),
  })
  .openapi('LoginLink');

/** `POST /api/v1/agents/{id}/login-links` (admin): a single-use, short-lived sign-in link for a user. */
export function loginLinkApiRoutes(deps: ApiDeps) {
  const app = createSetupRouter();
  app.openapi(
    setupRoute({
      method: 'post',
      path: '/agents/{id}/login-links',
      operationId: 'createLoginLink',
      tags: ['Agents'],
      summary: 'Create a one-time sign-in link for a user (single use, expires in minutes; the URL is shown once)',
      middleware: guard(deps, 'admin'),
      request: { params: IdParam, body: { ...jsonBody(LoginLinkCreate), required: false } },
      responses: { 201: jsonResponse(LoginLink, 'Created') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      // The body is optional: without one (no JSON content type) every field takes its default.
      const body = LoginLinkCreate.parse(c.req.valid('json') ?? {});
      const user = await deps.db.query.users.findFirst({ where: eq(users.id, id), columns: { id: true, role: true } });
      if (!user) throw unknownId('agent', id);
      const { token, expiresAt } = await createLoginLink(deps.db, {
        userId: user.id,
        next: body.next ?? defaultTarget(user.role),
        ttlMinutes: body.ttlMinutes,
        createdBy: c.get('user').id,
      });
      await deps.db.insert(auditLog).values({
        actorId: c.get('user').id,
        action: 'user.login_link_created',
        targetType: 'user',
        targetId: user.id,
        details: { expiresAt: expiresAt.toISOString() },
      });
      const url = new URL(LOGIN_LINK_PATH, deps.config.PUBLIC_BASE_URL);
      url.searchParams.set('token', token);
      return c.json({ userId: user.id, url: url.toString(), expiresAt: expiresAt.toISOString() }, 201);
    },
  );
  return app;
}

/** `GET /app/login/link?token=…`: uses the link up, sets the normal session cookie and redirects to the target page. */
export function loginLinkPageRoutes(deps: ApiDeps) {
  const app = new Hono<AppEnv>();
  const secure = new URL(deps.config.PUBLIC_BASE_URL).protocol === 'https:';
  app.get(LOGIN_LINK_PATH, async (c) => {
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
    setCookie(c, SESSION_COOKIE, await createSession(deps, used.user), sessionCookieOptions(deps.config));
    return c.redirect(used.next, 303);
  });
  return app;
}

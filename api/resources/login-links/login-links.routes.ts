import { z } from '@hono/zod-openapi';
import { LOGIN_LINK_TARGETS, LOGIN_LINK_TTL_MINUTES } from '../../auth/login-links.js';
import { operationsOf } from '../../lib/operations.js';
import { allow, IdParam, jsonBody } from '../../lib/route-helpers.js';

export const LoginLinkCreate = z
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

export const LoginLink = z
  .object({
    userId: z.uuid(),
    url: z.string().openapi({ description: 'Open once to sign in; shown only in this response' }),
    expiresAt: z.string(),
  })
  .openapi('LoginLink');

const op = operationsOf({ tag: 'Agents', guard: allow('admin') });

/** `POST /api/v1/agents/{id}/login-links` (admin): mounted at /agents/:id/login-links. */
export const createLoginLink = op.post('/', 'createLoginLink', {
  summary: 'Create a one-time sign-in link for a user (single use, expires in minutes; the URL is shown once)',
  params: IdParam,
  body: { ...jsonBody(LoginLinkCreate), required: false },
  status: 201,
  ok: [LoginLink, 'Created'],
});

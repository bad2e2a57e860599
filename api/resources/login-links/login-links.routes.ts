import { z } from '@hono/zod-openapi';
import { LOGIN_LINK_TARGETS, LOGIN_LINK_TTL_MINUTES } from '../../auth/login-links.js';
import { allow, IdParam, jsonBody, jsonResponse, resourceRoute } from '../../lib/route-helpers.js';

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

/** `POST /api/v1/agents/{id}/login-links` (admin): mounted at /agents/:id/login-links. */
export const createLoginLink = resourceRoute({
  method: 'post',
  path: '/',
  operationId: 'createLoginLink',
  tags: ['Agents'],
  summary: 'Create a one-time sign-in link for a user (single use, expires in minutes; the URL is shown once)',
  middleware: allow('admin'),
  request: { params: IdParam, body: { ...jsonBody(LoginLinkCreate), required: false } },
  responses: { 201: jsonResponse(LoginLink, 'Created') },
});

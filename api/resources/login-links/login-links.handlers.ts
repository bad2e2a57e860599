import { eq } from 'drizzle-orm';
import { auditLog, users } from '../../../db/schema/index.js';
import { defaultTarget, createLoginLink as issueLoginLink } from '../../auth/login-links.js';
import { LOGIN_LINK_PATH } from '../../auth/login-links-routes.js';
import { type AppRouteHandler, loadOr404 } from '../../lib/route-helpers.js';
import type * as routes from './login-links.routes.js';
import { LoginLinkCreate } from './login-links.routes.js';

export const createLoginLink: AppRouteHandler<typeof routes.createLoginLink> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  // The body is optional: without one (no JSON content type) every field takes its default.
  const body = LoginLinkCreate.parse(c.req.valid('json') ?? {});
  const user = await loadOr404(
    deps.db.query.users.findFirst({ where: eq(users.id, id), columns: { id: true, role: true } }),
    'agent',
    id,
  );
  const { token, expiresAt } = await issueLoginLink(deps.db, {
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
};

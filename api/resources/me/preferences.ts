import { z } from '@hono/zod-openapi';
import { eq, sql } from 'drizzle-orm';
import { userPreferences } from '../../../db/schema/index.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import { protectedRoute } from '../../route-contract.js';
import { problemsOf } from '../conversations/conversations.schemas.js';

/** GET/PUT /me/preferences: the caller's workspace settings (the offer sound), stored per user on the server. */

const PreferencesSchema = z
  .object({ offerSound: z.boolean().openapi({ description: 'Play a sound when a conversation is offered' }) })
  .openapi('Preferences');
const PreferencesPatch = z.object({ offerSound: z.boolean().optional() }).strict();

const DEFAULTS = { offerSound: true };
const answer = { 'application/json': { schema: PreferencesSchema } };

export const getRoute = protectedRoute({
  method: 'get',
  path: '/preferences',
  operationId: 'getMyPreferences',
  tags: ['Me'],
  summary: 'The caller’s workspace settings',
  responses: { 200: { description: 'The settings', content: answer }, ...problemsOf(401) },
});

export const putRoute = protectedRoute({
  method: 'put',
  path: '/preferences',
  operationId: 'setMyPreferences',
  tags: ['Me'],
  summary: 'Change the caller’s workspace settings (fields left out keep their value)',
  request: { body: { required: true, content: { 'application/json': { schema: PreferencesPatch } } } },
  responses: {
    200: { description: 'The settings after the change', content: answer },
    ...problemsOf(401, 422),
  },
});

export const get: AppRouteHandler<typeof getRoute> = async (c) => {
  const { deps, user } = c.var;
  const row = await deps.db.query.userPreferences.findFirst({ where: eq(userPreferences.userId, user.id) });
  return c.json({ offerSound: row?.offerSound ?? DEFAULTS.offerSound }, 200);
};

export const put: AppRouteHandler<typeof putRoute> = async (c) => {
  const { deps, user } = c.var;
  const patch = c.req.valid('json');
  const [row] = await deps.db
    .insert(userPreferences)
    .values({ userId: user.id, ...DEFAULTS, ...patch })
    .onConflictDoUpdate({
      target: userPreferences.userId,
      set: { ...patch, updatedAt: sql`now()` },
    })
    .returning({ offerSound: userPreferences.offerSound });
  return c.json({ offerSound: row!.offerSound }, 200);
};

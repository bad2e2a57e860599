import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { settings } from '../../../db/schema/index.js';
import { guard } from '../../auth.js';
import type { ApiDeps } from '../../deps.js';
import { createSetupRouter, jsonBody, jsonResponse, setupRoute } from './common.js';

const Settings = z
  .object({
    smsEnabled: z.boolean().openapi({ description: 'Organization switch for the SMS channel (default true)' }),
    declinesAllowed: z
      .number()
      .int()
      .openapi({ description: 'After this many declines an agent is not offered the same conversation again (1–5)' }),
    updatedAt: z.string(),
  })
  .openapi('Settings');

// Fields are optional so a script can flip one switch without knowing the others.
const SettingsUpdate = z
  .object({
    smsEnabled: z.boolean().optional(),
    declinesAllowed: z.number().int().min(1).max(5).optional(),
  })
  .strict()
  .openapi('SettingsUpdate');

type Row = typeof settings.$inferSelect;
const view = (r: Row) => ({
  smsEnabled: r.smsEnabled,
  declinesAllowed: r.declinesAllowed,
  updatedAt: r.updatedAt.toISOString(),
});

export function settingsRoutes(deps: ApiDeps) {
  const app = createSetupRouter();

  // The row normally exists (bootstrap); create it on demand so a fresh database never answers 500.
  async function load(): Promise<Row> {
    await deps.db.insert(settings).values({ id: 1 }).onConflictDoNothing();
    const row = await deps.db.query.settings.findFirst({ where: eq(settings.id, 1) });
    return row!;
  }

  app.openapi(
    setupRoute({
      method: 'get',
      path: '/settings',
      operationId: 'getSettings',
      tags: ['Settings'],
      summary: 'Organization settings',
      middleware: guard(deps, 'admin', 'supervisor'),
      responses: { 200: jsonResponse(Settings, 'Current settings') },
    }),
    async (c) => c.json(view(await load()), 200),
  );

  app.openapi(
    setupRoute({
      method: 'put',
      path: '/settings',
      operationId: 'updateSettings',
      tags: ['Settings'],
      summary: 'Change organization settings',
      middleware: guard(deps, 'admin'),
      request: { body: jsonBody(SettingsUpdate) },
      responses: { 200: jsonResponse(Settings, 'Updated settings') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      await load();
      const [row] = await deps.db
        .update(settings)
        .set({ ...body, updatedAt: new Date() })
        .where(eq(settings.id, 1))
        .returning();
      deps.logger.info({ actorId: c.get('user').id, changes: body }, 'settings changed');
      return c.json(view(row!), 200);
    },
  );

  return app;
}

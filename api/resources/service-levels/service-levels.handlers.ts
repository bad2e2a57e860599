import type { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { queues, slaPolicies, smsChannels } from '../../../db/schema/index.js';
import { SLA_DEFAULT_WARNING_PERCENT } from '../../../domain/sla.js';
import { type AppRouteHandler, type Executor, loadOr404 } from '../../lib/route-helpers.js';
import type { CsatSettings, channelCsatRoutes, queueSlaRoutes, SlaPolicy } from './service-levels.routes.js';

async function slaView(db: Executor, queueId: string): Promise<z.infer<typeof SlaPolicy>> {
  await loadOr404(
    db.query.queues.findFirst({ where: eq(queues.id, queueId), columns: { id: true } }),
    'queue',
    queueId,
  );
  const row = await db.query.slaPolicies.findFirst({ where: eq(slaPolicies.queueId, queueId) });
  return {
    queueId,
    firstResponseSeconds: row?.firstResponseSeconds ?? null,
    nextResponseSeconds: row?.nextResponseSeconds ?? null,
    resolutionSeconds: row?.resolutionSeconds ?? null,
    warningPercent: row?.warningPercent ?? SLA_DEFAULT_WARNING_PERCENT,
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

export const getQueueSla: AppRouteHandler<typeof queueSlaRoutes.get> = async (c) =>
  c.json(await slaView(c.var.deps.db, c.req.valid('param').id), 200);

export const updateQueueSla: AppRouteHandler<typeof queueSlaRoutes.update> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  await slaView(deps.db, id); // 404 before writing
  await deps.db
    .insert(slaPolicies)
    .values({ queueId: id, ...body })
    .onConflictDoUpdate({ target: slaPolicies.queueId, set: { ...body, updatedAt: new Date() } });
  deps.logger.info({ actorId: c.get('user').id, queueId: id, changes: body }, 'SLA targets changed');
  return c.json(await slaView(deps.db, id), 200);
};

async function csatView(db: Executor, channelId: string): Promise<z.infer<typeof CsatSettings>> {
  const row = await loadOr404(
    db.query.smsChannels.findFirst({
      where: eq(smsChannels.id, channelId),
      columns: { id: true, csatEnabled: true, csatWindowMinutes: true },
    }),
    'SMS channel',
    channelId,
  );
  return { channelId, enabled: row.csatEnabled, windowMinutes: row.csatWindowMinutes };
}

export const getChannelCsat: AppRouteHandler<typeof channelCsatRoutes.get> = async (c) =>
  c.json(await csatView(c.var.deps.db, c.req.valid('param').id), 200);

export const updateChannelCsat: AppRouteHandler<typeof channelCsatRoutes.update> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  await csatView(deps.db, id);
  const set: Partial<typeof smsChannels.$inferInsert> = { updatedAt: new Date() };
  if (body.enabled !== undefined) set.csatEnabled = body.enabled;
  if (body.windowMinutes !== undefined) set.csatWindowMinutes = body.windowMinutes;
  await deps.db.update(smsChannels).set(set).where(eq(smsChannels.id, id));
  deps.logger.info({ actorId: c.get('user').id, channelId: id, changes: body }, 'CSAT settings changed');
  return c.json(await csatView(deps.db, id), 200);
};

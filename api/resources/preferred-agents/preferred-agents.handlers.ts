import { and, asc, eq, like } from 'drizzle-orm';
import { preferredAgents } from '../../../db/schema/index.js';
import { assertAgentsExist } from '../../lib/body-agents.js';
import type { AppRouteHandler, Executor } from '../../lib/route-helpers.js';
import { loadWorkstream } from '../workstreams/workstreams.handlers.js';
import type * as routes from './preferred-agents.routes.js';

async function agentsOf(db: Executor, workstreamId: string, customerNumber: string): Promise<string[]> {
  const rows = await db
    .select({ agentId: preferredAgents.agentId })
    .from(preferredAgents)
    .where(and(eq(preferredAgents.workstreamId, workstreamId), eq(preferredAgents.customerNumber, customerNumber)))
    .orderBy(asc(preferredAgents.rank));
  return rows.map((r) => r.agentId);
}

export const listPreferredAgents: AppRouteHandler<typeof routes.listPreferredAgents> = async (c) => {
  const db = c.var.deps.db;
  const { id } = c.req.valid('param');
  const { customerNumber } = c.req.valid('query');
  await loadWorkstream(db, id);
  const rows = await db
    .select()
    .from(preferredAgents)
    .where(
      and(
        eq(preferredAgents.workstreamId, id),
        customerNumber ? like(preferredAgents.customerNumber, `${customerNumber}%`) : undefined,
      ),
    )
    .orderBy(asc(preferredAgents.customerNumber), asc(preferredAgents.rank))
    .limit(1500);
  const byCustomer = new Map<string, string[]>();
  for (const r of rows) byCustomer.set(r.customerNumber, [...(byCustomer.get(r.customerNumber) ?? []), r.agentId]);
  const items = [...byCustomer.entries()]
    .slice(0, 500)
    .map(([number, agentIds]) => ({ workstreamId: id, customerNumber: number, agentIds }));
  return c.json({ items }, 200);
};

export const getPreferredAgents: AppRouteHandler<typeof routes.getPreferredAgents> = async (c) => {
  const db = c.var.deps.db;
  const { id, customerNumber } = c.req.valid('param');
  await loadWorkstream(db, id);
  return c.json({ workstreamId: id, customerNumber, agentIds: await agentsOf(db, id, customerNumber) }, 200);
};

export const setPreferredAgents: AppRouteHandler<typeof routes.setPreferredAgents> = async (c) => {
  const db = c.var.deps.db;
  const { id, customerNumber } = c.req.valid('param');
  const { agentIds } = c.req.valid('json');
  await loadWorkstream(db, id);
  await assertAgentsExist(db, agentIds);
  await db.transaction(async (tx) => {
    await tx
      .delete(preferredAgents)
      .where(and(eq(preferredAgents.workstreamId, id), eq(preferredAgents.customerNumber, customerNumber)));
    if (agentIds.length > 0) {
      await tx
        .insert(preferredAgents)
        .values(agentIds.map((agentId, rank) => ({ workstreamId: id, customerNumber, rank, agentId })));
    }
  });
  return c.json({ workstreamId: id, customerNumber, agentIds: await agentsOf(db, id, customerNumber) }, 200);
};

export const deletePreferredAgents: AppRouteHandler<typeof routes.deletePreferredAgents> = async (c) => {
  const db = c.var.deps.db;
  const { id, customerNumber } = c.req.valid('param');
  await loadWorkstream(db, id);
  await db
    .delete(preferredAgents)
    .where(and(eq(preferredAgents.workstreamId, id), eq(preferredAgents.customerNumber, customerNumber)));
  return c.body(null, 204);
};

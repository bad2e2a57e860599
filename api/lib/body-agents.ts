import { inArray } from 'drizzle-orm';
import { users } from '../../db/schema/index.js';
import { ProblemError } from '../../lib/problem.js';
import type { Executor } from './route-helpers.js';

/**
 * Agent ids listed in a body (queue members, preferred agents) must name users: an unknown one is a validation
 * failure of that body (422, one error per index of `agentIds`), not an unknown path id (404).
 */
export async function assertAgentsExist(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return;
  const found = new Set(
    (
      await db
        .select({ id: users.id })
        .from(users)
        .where(inArray(users.id, [...ids]))
    ).map((r) => r.id),
  );
  const errors = ids
    .map((id, i) => ({ id, i }))
    .filter(({ id }) => !found.has(id))
    .map(({ id, i }) => ({ path: `agentIds.${i}`, message: `no agent with id ${id}` }));
  if (errors.length > 0) throw new ProblemError(422, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
}

import type { ApiDeps } from '../deps.js';
import { EventHub } from './hub.js';

/**
 * One hub per database pool (that is, per API process in production). Kept beside the deps instead of inside them
 * so createApp stays synchronous: background services start it eagerly, the SSE route starts it lazily (tests).
 */
const hubs = new WeakMap<ApiDeps['sql'], Promise<EventHub>>();

export function getEventHub(deps: Pick<ApiDeps, 'sql' | 'logger'>): Promise<EventHub> {
  let hub = hubs.get(deps.sql);
  if (!hub) {
    const created = new EventHub(deps.sql, { logger: deps.logger });
    hub = created.start().then(() => created);
    hub.catch(() => hubs.delete(deps.sql));
    hubs.set(deps.sql, hub);
  }
  return hub;
}

export async function stopEventHub(deps: Pick<ApiDeps, 'sql'>): Promise<void> {
  const hub = hubs.get(deps.sql);
  if (!hub) return;
  hubs.delete(deps.sql);
  await (await hub.catch(() => null))?.stop();
}

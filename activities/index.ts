import type { Db } from '../db/client.js';
import { recordInboundActivity } from './record-inbound.js';

export type ActivityDeps = { db: Db };

/**
 * All activities, bound to their dependencies. Workflows import only the *type* of this object
 * (`proxyActivities<Activities>`), never the implementations.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    recordInbound: recordInboundActivity(deps.db),
  };
}

export type Activities = ReturnType<typeof createActivities>;

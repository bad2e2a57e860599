import { Context } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import { nudgeWaitingConversations } from '../temporal/nudge-waiting.js';

/** After capacity is released, wake the conversations waiting longest in that agent's queues (signal, not polling). */
export function nudgeActivity(db: Db) {
  return async function nudgeQueues(input: { queueIds: string[]; limit: number }): Promise<number> {
    const { signalled } = await nudgeWaitingConversations({
      db,
      temporal: Context.current().client,
      queueIds: input.queueIds,
      limit: input.limit,
    });
    return signalled.length;
  };
}

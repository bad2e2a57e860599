import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/common';
import { agentsAvailableSignal } from '../workflows/definitions.js';

/**
 * From inside an activity: signal `agentsAvailable` to these conversations ([id, workflowId] pairs). Returns the ids
 * whose workflow no longer runs (their read-model row is stale). Without an activity client nothing is signalled.
 */
export async function signalConversations(targets: [string, string][]): Promise<string[]> {
  let client: ReturnType<typeof Context.current>['client'];
  try {
    client = Context.current().client;
  } catch {
    return [];
  }
  const gone: string[] = [];
  await Promise.all(
    targets.map(async ([id, workflowId]) => {
      try {
        await client.workflow.getHandle(workflowId).signal(agentsAvailableSignal);
      } catch (err) {
        // Other failures leave it to the next trigger, like the nudge after a release.
        if (err instanceof WorkflowNotFoundError) gone.push(id);
      }
    }),
  );
  return gone;
}

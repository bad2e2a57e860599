import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { RetentionPolicy, RetentionResult } from '../activities/retention.js';

const purge = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

/** The retention purge, started daily by the `smsdesk-retention` Schedule (worker/retention-schedule.ts). */
export async function retentionWorkflow(policy: RetentionPolicy): Promise<RetentionResult> {
  return purge.purgeExpired(policy);
}

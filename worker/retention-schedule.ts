import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { RetentionPolicy } from '../activities/retention.js';
import type { Config } from '../config/env.js';

export const RETENTION_SCHEDULE_ID = 'smsdesk-retention';

export function retentionPolicy(
  config: Pick<
    Config,
    'RETENTION_PAYLOAD_DAYS' | 'RETENTION_INBOX_ROW_DAYS' | 'RETENTION_EVENTS_DAYS' | 'ATTACHMENT_RETENTION_DAYS'
  >,
): RetentionPolicy {
  return {
    payloadDays: config.RETENTION_PAYLOAD_DAYS,
    inboxRowDays: config.RETENTION_INBOX_ROW_DAYS,
    eventsDays: config.RETENTION_EVENTS_DAYS,
    attachmentDays: config.ATTACHMENT_RETENTION_DAYS,
  };
}

/**
 * Creates the daily retention Schedule, or updates its policy when it exists (every worker does this at start; the
 * last one wins, and they all run the same configuration). Overlapping runs are skipped.
 */
export async function ensureRetentionSchedule(
  client: Client,
  config: Pick<
    Config,
    | 'TEMPORAL_TASK_QUEUE'
    | 'RETENTION_PAYLOAD_DAYS'
    | 'RETENTION_INBOX_ROW_DAYS'
    | 'RETENTION_EVENTS_DAYS'
    | 'ATTACHMENT_RETENTION_DAYS'
  >,
): Promise<void> {
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'retentionWorkflow',
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [retentionPolicy(config)],
  };
  try {
    await client.schedule.create({
      scheduleId: RETENTION_SCHEDULE_ID,
      spec: { calendars: [{ hour: 3, minute: 17 }] },
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(RETENTION_SCHEDULE_ID).update((prev) => ({ ...prev, action }));
  }
}

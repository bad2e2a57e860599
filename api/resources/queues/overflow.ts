import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { calendars, queues } from '../../../db/schema/index.js';
import { OVERFLOW_ACTIONS } from '../../../domain/vocabulary.js';
import { type Executor, fieldProblem } from '../../lib/route-helpers.js';

/** A queue's operating rules (issue #16): its calendar and its overflow handling. */

export const OverflowRule = z
  .object({
    maxWaiting: z
      .number()
      .int()
      .min(1)
      .max(10000)
      .nullish()
      .openapi({ description: 'Overflow when this many work items already wait in the queue (checked at routing)' }),
    maxWaitMinutes: z
      .number()
      .int()
      .min(1)
      .max(2880)
      .nullish()
      .openapi({ description: "Overflow when one waits this long since the customer's last unanswered message" }),
    action: z.enum(OVERFLOW_ACTIONS, { error: `must be one of ${OVERFLOW_ACTIONS.join(', ')}` }),
    targetQueueId: z.uuid().nullish().openapi({ description: 'transfer: the queue to move the conversation to' }),
    message: z
      .string()
      .trim()
      .min(1)
      .max(640)
      .nullish()
      .openapi({ description: 'wait_message: what the customer is told (a default when absent)' }),
  })
  .strict()
  .refine((r) => r.maxWaiting != null || r.maxWaitMinutes != null, {
    path: ['maxWaiting'],
    message: 'set maxWaiting or maxWaitMinutes (or both)',
  })
  .refine((r) => r.action !== 'transfer' || r.targetQueueId != null, {
    path: ['targetQueueId'],
    message: 'is required when action is transfer',
  });

export const queueRuleFields = {
  calendarId: z.uuid().nullable().openapi({ description: 'Operating hours; null = its workstream’s, else 24×7' }),
  overflow: OverflowRule.nullable().openapi({ description: 'Overflow handling; null = none' }),
};

/** Body references must exist (422 naming the field); a queue cannot overflow into itself. */
export async function assertQueueRules(
  db: Executor,
  body: { calendarId?: string | null | undefined; overflow?: z.infer<typeof OverflowRule> | null | undefined },
  selfId?: string,
) {
  if (body.calendarId) {
    const cal = await db.query.calendars.findFirst({ where: eq(calendars.id, body.calendarId), columns: { id: true } });
    if (!cal) throw fieldProblem('calendarId', `no calendar with id ${body.calendarId}`);
  }
  const target = body.overflow?.targetQueueId;
  if (target) {
    if (target === selfId) throw fieldProblem('overflow.targetQueueId', 'must be another queue');
    const q = await db.query.queues.findFirst({ where: eq(queues.id, target), columns: { id: true } });
    if (!q) throw fieldProblem('overflow.targetQueueId', `no queue with id ${target}`);
  }
}

import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { phoneNumbers, queueMembers, routingRules, smsChannels, workstreams } from '../../../db/schema/index.js';
import { ProblemError } from '../../../lib/problem.js';
import type { AuthUser } from '../../deps.js';
import { isStaff } from '../conversations/access.js';

export type StartChannel = { accountId: string; supportNumber: string; channelId: string; queueId: string };

/**
 * The channel an agent-started conversation goes out from, and the queue it belongs to: the queues a channel serves
 * are its workstream's default queue and the queues its routing rules send to. An agent must be a member of one
 * (the default queue first, then the rules' order); supervisors and admins may use any channel.
 */
export async function resolveStartChannel(
  db: Db,
  user: AuthUser,
  by: { channelId?: string; supportNumber?: string },
): Promise<StartChannel> {
  const [row] = await db
    .select({
      channelId: smsChannels.id,
      workstreamId: smsChannels.workstreamId,
      accountId: phoneNumbers.accountId,
      supportNumber: phoneNumbers.number,
      defaultQueueId: workstreams.defaultQueueId,
    })
    .from(smsChannels)
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, smsChannels.phoneNumberId))
    .innerJoin(workstreams, eq(workstreams.id, smsChannels.workstreamId))
    .where(by.channelId ? eq(smsChannels.id, by.channelId) : eq(phoneNumbers.number, by.supportNumber!))
    .limit(1);
  if (!row) {
    const path = by.channelId ? 'channelId' : 'supportNumber';
    const message = by.channelId
      ? `no SMS channel with id ${by.channelId}`
      : `no SMS channel serves ${by.supportNumber}`;
    throw new ProblemError(404, message, [{ path, message }]);
  }
  const ruleQueues = await db
    .select({ queueId: routingRules.queueId })
    .from(routingRules)
    .where(eq(routingRules.workstreamId, row.workstreamId))
    .orderBy(asc(routingRules.order));
  const served = [...new Set([row.defaultQueueId, ...ruleQueues.map((r) => r.queueId)])];
  const mine = new Set(
    (
      await db
        .select({ queueId: queueMembers.queueId })
        .from(queueMembers)
        .where(and(eq(queueMembers.userId, user.id), inArray(queueMembers.queueId, served)))
    ).map((r) => r.queueId),
  );
  const queueId = served.find((q) => mine.has(q)) ?? (isStaff(user) ? row.defaultQueueId : undefined);
  if (!queueId) {
    const path = by.channelId ? 'channelId' : 'supportNumber';
    throw new ProblemError(403, `${path}: you are not a member of a queue this channel serves`, [
      { path, message: 'you are not a member of a queue this channel serves' },
    ]);
  }
  return { accountId: row.accountId, supportNumber: row.supportNumber, channelId: row.channelId, queueId };
}

/** Every channel the user may text a customer from, with the queue a conversation started there would belong to. */
export async function startableChannels(db: Db, user: AuthUser) {
  const channels = await db
    .select({
      channelId: smsChannels.id,
      workstreamId: smsChannels.workstreamId,
      workstreamName: workstreams.name,
      supportNumber: phoneNumbers.number,
      language: smsChannels.language,
      defaultQueueId: workstreams.defaultQueueId,
    })
    .from(smsChannels)
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, smsChannels.phoneNumberId))
    .innerJoin(workstreams, eq(workstreams.id, smsChannels.workstreamId))
    .orderBy(asc(phoneNumbers.number));
  if (channels.length === 0) return [];
  const [rules, memberships] = await Promise.all([
    db
      .select({ workstreamId: routingRules.workstreamId, queueId: routingRules.queueId })
      .from(routingRules)
      .orderBy(asc(routingRules.order)),
    db.select({ queueId: queueMembers.queueId }).from(queueMembers).where(eq(queueMembers.userId, user.id)),
  ]);
  const mine = new Set(memberships.map((m) => m.queueId));
  return channels.flatMap((c) => {
    const served = [c.defaultQueueId, ...rules.filter((r) => r.workstreamId === c.workstreamId).map((r) => r.queueId)];
    const queueId = served.find((q) => mine.has(q)) ?? (isStaff(user) ? c.defaultQueueId : undefined);
    return queueId
      ? [
          {
            channelId: c.channelId,
            supportNumber: c.supportNumber,
            workstreamName: c.workstreamName,
            language: c.language,
            queueId,
          },
        ]
      : [];
  });
}

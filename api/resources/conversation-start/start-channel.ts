import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { phoneNumbers, queueMembers, routingRules, smsChannels, workstreams } from '../../../db/schema/index.js';
import { ProblemError } from '../../../lib/problem.js';
import type { AuthUser } from '../../deps.js';
import { isStaff } from '../conversations/access.js';

export type StartChannel = { accountId: string; supportNumber: string; channelId: string; queueId: string };

/** Every SMS channel with its number, account and workstream (one row each). */
const channelRows = (db: Db) =>
  db
    .select({
      channelId: smsChannels.id,
      workstreamId: smsChannels.workstreamId,
      workstreamName: workstreams.name,
      accountId: phoneNumbers.accountId,
      supportNumber: phoneNumbers.number,
      language: smsChannels.language,
      defaultQueueId: workstreams.defaultQueueId,
    })
    .from(smsChannels)
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, smsChannels.phoneNumberId))
    .innerJoin(workstreams, eq(workstreams.id, smsChannels.workstreamId));

/**
 * Which queue a conversation the user starts on a channel belongs to: the queues a channel serves are its
 * workstream's default queue and the queues its routing rules send to; the first (default queue, then the rules'
 * order) the user is a member of, or for supervisors and admins the default queue. Undefined: the user may not.
 */
async function startQueueOf(db: Db, user: AuthUser, workstreamId?: string) {
  const [rules, memberships] = await Promise.all([
    db
      .select({ workstreamId: routingRules.workstreamId, queueId: routingRules.queueId })
      .from(routingRules)
      .where(workstreamId ? eq(routingRules.workstreamId, workstreamId) : undefined)
      .orderBy(asc(routingRules.order)),
    db.select({ queueId: queueMembers.queueId }).from(queueMembers).where(eq(queueMembers.userId, user.id)),
  ]);
  const mine = new Set(memberships.map((m) => m.queueId));
  return (c: { workstreamId: string; defaultQueueId: string }) => {
    const served = [c.defaultQueueId, ...rules.filter((r) => r.workstreamId === c.workstreamId).map((r) => r.queueId)];
    return served.find((q) => mine.has(q)) ?? (isStaff(user) ? c.defaultQueueId : undefined);
  };
}

/**
 * The channel an agent-started conversation goes out from (by id or by support number), and the queue it belongs
 * to (startQueueOf): 404 for no such channel, 403 when the user is in none of the queues it serves.
 */
export async function resolveStartChannel(
  db: Db,
  user: AuthUser,
  by: { channelId?: string; supportNumber?: string },
): Promise<StartChannel> {
  const path = by.channelId ? 'channelId' : 'supportNumber';
  const [row] = await channelRows(db)
    .where(by.channelId ? eq(smsChannels.id, by.channelId) : eq(phoneNumbers.number, by.supportNumber!))
    .limit(1);
  if (!row) {
    const message = by.channelId
      ? `no SMS channel with id ${by.channelId}`
      : `no SMS channel serves ${by.supportNumber}`;
    throw new ProblemError(404, message, [{ path, message }]);
  }
  const queueId = (await startQueueOf(db, user, row.workstreamId))(row);
  if (!queueId) {
    throw new ProblemError(403, `${path}: you are not a member of a queue this channel serves`, [
      { path, message: 'you are not a member of a queue this channel serves' },
    ]);
  }
  return { accountId: row.accountId, supportNumber: row.supportNumber, channelId: row.channelId, queueId };
}

/** Every channel the user may text a customer from, with the queue a conversation started there would belong to. */
export async function startableChannels(db: Db, user: AuthUser) {
  const channels = await channelRows(db).orderBy(asc(phoneNumbers.number));
  if (channels.length === 0) return [];
  const startQueue = await startQueueOf(db, user);
  return channels.flatMap((c) => {
    const queueId = startQueue(c);
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

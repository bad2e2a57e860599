import type { z } from '@hono/zod-openapi';
import { and, eq, inArray } from 'drizzle-orm';
import {
  inbox,
  messagingAccounts,
  phoneNumbers,
  queueMembers,
  queues,
  settings,
  smsChannels,
  users,
} from '../../../db/schema/index.js';
import type { ApiDeps } from '../../deps.js';
import { type AppRouteHandler, conflict, type Executor } from '../../lib/route-helpers.js';
import { callbackUrl } from '../messaging-accounts/messaging-accounts.handlers.js';
import { loadWorkstream } from '../workstreams/workstreams.handlers.js';
import { type ReadinessFacts, readinessItems } from './readiness.checks.js';
import type * as routes from './readiness.routes.js';
import type { Readiness } from './readiness.routes.js';
import { simulatorAccount, simulatorHost, simulatorPhoneSend } from './simulator-probe.js';

/** The simulator phone the test SMS comes from: a fixed, recognisable customer number. */
export const TEST_SMS_FROM = '15550100999';
const TEST_SMS_TEXT = 'Test message from the smsdesk readiness check';

/** The workstream's support numbers, each with the messaging account it sends through. */
const channelsOf = (db: Executor, workstreamId: string) =>
  db
    .select({
      number: phoneNumbers.number,
      accountId: messagingAccounts.id,
      accountName: messagingAccounts.name,
      customerId: messagingAccounts.customerId,
      enabled: messagingAccounts.enabled,
      validationStatus: messagingAccounts.validationStatus,
      restEndpoint: messagingAccounts.restEndpoint,
    })
    .from(smsChannels)
    .innerJoin(phoneNumbers, eq(phoneNumbers.id, smsChannels.phoneNumberId))
    .innerJoin(messagingAccounts, eq(messagingAccounts.id, phoneNumbers.accountId))
    .where(eq(smsChannels.workstreamId, workstreamId));

async function gatherFacts(deps: ApiDeps, db: Executor, workstreamId: string): Promise<ReadinessFacts> {
  const ws = await loadWorkstream(db, workstreamId);
  const channels = await channelsOf(db, workstreamId);

  const accountIds = [...new Set(channels.map((c) => c.accountId))];
  // A callback stored in the inbox passed the signature check: TeleSign (or the simulator) has our URL.
  const seen = accountIds.length
    ? await db.selectDistinct({ accountId: inbox.accountId }).from(inbox).where(inArray(inbox.accountId, accountIds))
    : [];
  const seenIds = new Set(seen.map((r) => r.accountId));

  const accounts = await Promise.all(
    accountIds.map(async (id) => {
      const c = channels.find((x) => x.accountId === id)!;
      const host = simulatorHost(deps, c.restEndpoint);
      const sim = host ? await simulatorAccount(host, c.customerId) : null;
      return {
        id,
        name: c.accountName,
        enabled: c.enabled,
        validationStatus: c.validationStatus,
        callbackSeen: seenIds.has(id),
        simulator: sim !== null,
        simulatorCallbackMatches: sim?.callbackUrl === callbackUrl(deps, id),
      };
    }),
  );

  const queue = await db.query.queues.findFirst({ where: eq(queues.id, ws.defaultQueueId), columns: { name: true } });
  const members = await db
    .select({ name: users.name, presence: users.presence, capacity: users.capacity })
    .from(queueMembers)
    .innerJoin(users, eq(users.id, queueMembers.userId))
    .where(and(eq(queueMembers.queueId, ws.defaultQueueId), eq(users.disabled, false)));
  await db.insert(settings).values({ id: 1 }).onConflictDoNothing();
  const org = await db.query.settings.findFirst({ where: eq(settings.id, 1), columns: { smsEnabled: true } });

  return {
    numbers: channels.map((c) => c.number),
    accounts,
    queueName: queue?.name ?? ws.defaultQueueId,
    members,
    allowedPresences: ws.allowedPresences,
    smsEnabled: org?.smsEnabled ?? true,
  };
}

export const getReadiness: AppRouteHandler<typeof routes.getReadiness> = async (c) => {
  const { id } = c.req.valid('param');
  const facts = await gatherFacts(c.var.deps, c.var.deps.db, id);
  const items = readinessItems(facts);
  const body: z.infer<typeof Readiness> = {
    workstreamId: id,
    live: items.every((i) => i.ok),
    items,
    simulator: facts.accounts.some((a) => a.simulator),
    supportNumbers: facts.numbers,
  };
  return c.json(body, 200);
};

export const sendTestSms: AppRouteHandler<typeof routes.sendTestSms> = async (c) => {
  const deps = c.var.deps;
  const { id } = c.req.valid('param');
  await loadWorkstream(deps.db, id);
  const channels = await channelsOf(deps.db, id);
  if (channels.length === 0) throw conflict('the workstream has no SMS channel yet: bind a number to it first');
  for (const ch of channels) {
    const host = simulatorHost(deps, ch.restEndpoint);
    if (!host || !(await simulatorAccount(host, ch.customerId))) continue;
    const referenceId = await simulatorPhoneSend(host, TEST_SMS_FROM, ch.number, TEST_SMS_TEXT);
    if (!referenceId) throw conflict(`the simulator at ${host} did not send the test text to ${ch.number}`);
    deps.logger.info({ workstreamId: id, to: ch.number, referenceId }, 'readiness test SMS sent');
    return c.json({ from: TEST_SMS_FROM, to: ch.number, referenceId }, 202);
  }
  throw conflict('a test SMS needs the TeleSign simulator: this workstream is served by a real TeleSign account');
};

import { randomBytes } from 'node:crypto';
import { hashToken } from '../../api/auth.js';
import type { Config } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import {
  bots,
  messagingAccounts,
  phoneNumbers,
  queueMembers,
  queues,
  routingRules,
  smsChannels,
  users,
  workstreams,
} from '../../db/schema/index.js';
import { encryptSecret, keyringFromConfig } from '../../lib/secrets.js';
import type { Simulator } from '../../telesign/simulator/server.js';

export type SeededAgent = { id: string; name: string; token: string; headers: { authorization: string } };

type Presence = 'available' | 'busy' | 'busy_dnd' | 'away' | 'offline';
export type AgentSpec = {
  name?: string;
  role?: 'agent' | 'supervisor' | 'admin';
  capacity?: number;
  presence?: Presence;
  skills?: string[];
};

export type SeedOptions = {
  agents?: AgentSpec[];
  workstream?: Partial<typeof workstreams.$inferInsert>;
  assignmentMethod?: 'highest_capacity' | 'round_robin' | 'least_active';
  supportNumber?: string;
  callbackUrl?: string | null;
  bot?: typeof bots.$inferInsert;
};

export type SeededChannel = Awaited<ReturnType<typeof seedChannel>>;

let counter = 0;
const uniqueNumber = () => `1555${String(Date.now() % 1_000_000).padStart(6, '0')}${String(counter++ % 10)}`;

export async function createAgent(db: Db, opts: AgentSpec = {}): Promise<SeededAgent> {
  const token = `sd_test_${randomBytes(12).toString('hex')}`;
  const [u] = await db
    .insert(users)
    .values({
      name: opts.name ?? `Agent ${counter++}`,
      role: opts.role ?? 'agent',
      tokenHash: hashToken(token),
      capacity: opts.capacity ?? 2,
      presence: opts.presence ?? 'available',
      skills: opts.skills ?? [],
    })
    .returning();
  return { id: u!.id, name: u!.name, token, headers: { authorization: `Bearer ${token}` } };
}

/**
 * A complete SMS channel as an administrator would set it up, written directly to the tables (the setup API has its
 * own tests): a messaging account registered in the TeleSign simulator, a number, a queue with agents, a workstream
 * and the channel binding.
 */
export async function seedChannel(db: Db, config: Config, sim: Simulator, opts: SeedOptions = {}) {
  const supportNumber = opts.supportNumber ?? uniqueNumber();
  const simAccount = sim.addAccount({ numbers: [supportNumber], callbackUrl: opts.callbackUrl ?? null });
  const [account] = await db
    .insert(messagingAccounts)
    .values({
      name: 'Test account',
      customerId: simAccount.customerId,
      apiKeyCiphertext: encryptSecret(simAccount.apiKey, keyringFromConfig(config)),
      apiKeyHint: `…${simAccount.apiKey.slice(-4)}`,
      restEndpoint: sim.url,
    })
    .returning();
  const [number] = await db
    .insert(phoneNumbers)
    .values({ accountId: account!.id, number: supportNumber, type: 'geo' })
    .returning();
  const [queue] = await db
    .insert(queues)
    .values({
      name: `Queue ${randomBytes(4).toString('hex')}`,
      assignmentMethod: opts.assignmentMethod ?? 'highest_capacity',
    })
    .returning();
  const agents: SeededAgent[] = [];
  for (const a of opts.agents ?? [{}]) {
    const agent = await createAgent(db, a);
    agents.push(agent);
    await db.insert(queueMembers).values({ queueId: queue!.id, userId: agent.id });
  }
  let botId: string | undefined;
  if (opts.bot) {
    const [bot] = await db.insert(bots).values(opts.bot).returning();
    botId = bot!.id;
  }
  const [workstream] = await db
    .insert(workstreams)
    .values({ name: 'SMS support', defaultQueueId: queue!.id, ...(botId ? { botId } : {}), ...opts.workstream })
    .returning();
  const [channel] = await db
    .insert(smsChannels)
    .values({ workstreamId: workstream!.id, phoneNumberId: number!.id, language: 'en' })
    .returning();
  return {
    accountId: account!.id,
    customerId: simAccount.customerId,
    apiKey: simAccount.apiKey,
    supportNumber,
    queueId: queue!.id,
    workstreamId: workstream!.id,
    channelId: channel!.id,
    agents,
    /** Adds a second queue (for transfers and routing rules). */
    async addQueue(memberIds: string[] = []) {
      const [q] = await db
        .insert(queues)
        .values({ name: `Queue ${randomBytes(4).toString('hex')}` })
        .returning();
      for (const id of memberIds) await db.insert(queueMembers).values({ queueId: q!.id, userId: id });
      return q!.id;
    },
    async addRule(rule: {
      name: string;
      order: number;
      conditions: { field: string; operator: string; value: string }[];
      queueId: string;
      priority?: number;
      skills?: string[];
    }) {
      await db.insert(routingRules).values({ workstreamId: workstream!.id, skills: [], ...rule });
    },
  };
}

let customerCounter = 0;
/** A customer number unique within the test run. */
export const newCustomerNumber = () =>
  `1444${String(process.pid % 1000).padStart(3, '0')}${String(customerCounter++).padStart(4, '0')}`;

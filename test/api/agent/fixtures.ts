import { randomBytes, randomUUID } from 'node:crypto';
import { hashToken } from '../../../api/auth.js';
import type { Db } from '../../../db/client.js';
import {
  consents,
  conversations,
  messages,
  messagingAccounts,
  queueMembers,
  queues,
  users,
  workstreams,
} from '../../../db/schema/index.js';

/** Rows arranged directly in the read model and setup tables (the setup API and workflow are other areas). */

export type TestUser = { id: string; token: string; headers: Record<string, string> };

export async function makeUser(
  db: Db,
  opts: {
    role?: 'agent' | 'supervisor' | 'admin';
    name?: string;
    capacity?: number;
    capacityUsed?: number;
    presence?: 'available' | 'busy' | 'busy_dnd' | 'away' | 'offline';
  } = {},
): Promise<TestUser> {
  const token = `tok_${randomBytes(12).toString('hex')}`;
  const [u] = await db
    .insert(users)
    .values({
      name: opts.name ?? `User ${token.slice(-4)}`,
      role: opts.role ?? 'agent',
      tokenHash: hashToken(token),
      capacity: opts.capacity ?? 3,
      capacityUsed: opts.capacityUsed ?? 0,
      presence: opts.presence ?? 'offline',
    })
    .returning({ id: users.id });
  return { id: u!.id, token, headers: { authorization: `Bearer ${token}` } };
}

export async function makeQueue(db: Db, memberIds: string[] = []): Promise<string> {
  const [q] = await db
    .insert(queues)
    .values({ name: `Queue ${randomBytes(4).toString('hex')}` })
    .returning({ id: queues.id });
  for (const userId of memberIds) await db.insert(queueMembers).values({ queueId: q!.id, userId });
  return q!.id;
}

export async function makeWorkstream(
  db: Db,
  queueId: string,
  mode: 'push' | 'pick' = 'push',
  allowedPresences: ('available' | 'busy' | 'busy_dnd' | 'away' | 'offline')[] = ['available', 'busy'],
): Promise<string> {
  const [w] = await db
    .insert(workstreams)
    .values({ name: `WS ${mode}`, distributionMode: mode, defaultQueueId: queueId, allowedPresences })
    .returning({ id: workstreams.id });
  return w!.id;
}

export async function makeAccount(db: Db): Promise<string> {
  const [a] = await db
    .insert(messagingAccounts)
    .values({ name: 'Main', customerId: 'CUST-1', apiKeyCiphertext: 'unused', apiKeyHint: '…0000' })
    .returning({ id: messagingAccounts.id });
  return a!.id;
}

let customerSeq = 0;

export async function makeConversation(
  db: Db,
  accountId: string,
  opts: Partial<typeof conversations.$inferInsert> = {},
): Promise<typeof conversations.$inferSelect> {
  const customerNumber = opts.customerNumber ?? `1555${String(Date.now() % 1e6).padStart(6, '0')}${customerSeq++}`;
  const [row] = await db
    .insert(conversations)
    .values({
      id: randomUUID(),
      workflowId: `conv-test-${randomUUID()}`,
      runId: randomUUID(),
      accountId,
      customerNumber,
      supportNumber: '4442',
      ...opts,
    })
    .returning();
  return row!;
}

export async function addMessage(
  db: Db,
  conversationId: string,
  opts: Partial<typeof messages.$inferInsert> = {},
): Promise<typeof messages.$inferSelect> {
  const [row] = await db
    .insert(messages)
    .values({ id: randomUUID(), conversationId, direction: 'inbound', text: 'hello', status: 'received', ...opts })
    .returning();
  return row!;
}

export async function optOut(db: Db, supportNumber: string, customerNumber: string): Promise<void> {
  await db
    .insert(consents)
    .values({ supportNumber, customerNumber, optedOut: true, source: 'keyword' })
    .onConflictDoUpdate({ target: [consents.supportNumber, consents.customerNumber], set: { optedOut: true } });
}

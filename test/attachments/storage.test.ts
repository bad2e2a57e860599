import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retentionActivities } from '../../activities/retention.js';
import { deleteCustomerAttachments } from '../../attachments/erasure.js';
import { postgresStorage } from '../../attachments/storage.js';
import { FileRefused, storeChecked } from '../../attachments/store-file.js';
import { attachments, conversations } from '../../db/schema/index.js';
import { PDF } from '../api/attachments/support.js';
import { createTestDb, type TestDb } from '../support/db.js';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => {
  await db?.drop();
});

async function conversation(customer = '15550001111', closedDaysAgo: number | null = null) {
  const id = randomUUID();
  await db.db.insert(conversations).values({
    id,
    workflowId: `conv:x:1:${customer}`,
    runId: 'r',
    accountId: randomUUID(),
    customerNumber: customer,
    supportNumber: '14250000000',
    ...(closedDaysAgo !== null
      ? { state: 'closed' as const, closedAt: new Date(Date.now() - closedDaysAgo * 86_400_000) }
      : {}),
  });
  return id;
}

async function attachment(conversationId: string) {
  const id = randomUUID();
  await db.db.insert(attachments).values({
    id,
    conversationId,
    source: 'agent',
    status: 'stored',
    fileName: 'a.pdf',
    contentType: 'application/pdf',
  });
  return id;
}

async function* pieces(buf: Buffer, size: number) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

const chunkCount = async (id: string) =>
  Number((await db.sql`select count(*)::int as n from attachment_chunks where attachment_id = ${id}`)[0]!.n);

describe('PostgreSQL attachment storage', () => {
  it('streams a file in fixed-size rows and reads back the same bytes, a row at a time', async () => {
    const storage = postgresStorage(db.sql, 64 * 1024);
    const id = await attachment(await conversation());
    const file = Buffer.concat([PDF, randomBytes(200_000)]);
    const { size } = await storage.write(id, pieces(file, 10_000));
    expect(size).toBe(file.length);
    expect(await chunkCount(id)).toBe(Math.ceil(file.length / (64 * 1024)));
    const back: Buffer[] = [];
    for await (const c of storage.read(id)) back.push(c);
    expect(back.every((c) => c.length <= 64 * 1024)).toBe(true);
    expect(Buffer.concat(back).equals(file)).toBe(true);
  });

  it('stops at the size limit and leaves nothing behind', async () => {
    const storage = postgresStorage(db.sql, 16 * 1024);
    const id = await attachment(await conversation());
    const file = Buffer.concat([PDF, randomBytes(100_000)]);
    await expect(storeChecked(storage, id, pieces(file, 8192), 50_000)).rejects.toBeInstanceOf(FileRefused);
    expect(await chunkCount(id)).toBe(0);
  });

  it('goes with its conversation: retention after close, and customer erasure', async () => {
    const storage = postgresStorage(db.sql);
    const old = await attachment(await conversation('15550002222', 100));
    const recent = await attachment(await conversation('15550003333', 1));
    const erased = await attachment(await conversation('15550004444'));
    for (const id of [old, recent, erased]) await storage.write(id, pieces(PDF, 100));
    const r = await retentionActivities(db.db).purgeExpired({
      payloadDays: 90,
      inboxRowDays: 400,
      eventsDays: 30,
      attachmentDays: 90,
    });
    expect(r.attachmentsDeleted).toBe(1);
    expect(await chunkCount(old)).toBe(0);
    expect(await chunkCount(recent)).toBeGreaterThan(0);
    expect(await deleteCustomerAttachments(db.db, '15550004444')).toBe(1);
    expect(await chunkCount(erased)).toBe(0);
    expect(await chunkCount(recent)).toBeGreaterThan(0);
  });
});

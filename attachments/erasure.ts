import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

/**
 * Customer erasure: every file of the customer's conversations (rows, bytes through the cascade, links). For the
 * erasure feature to call with the customer's number (optionally one support number); answers how many files went.
 */
export async function deleteCustomerAttachments(
  db: Db,
  customerNumber: string,
  supportNumber?: string,
): Promise<number> {
  const rows = await db.execute(sql`
    delete from attachments where conversation_id in (
      select id from conversations where customer_number = ${customerNumber}
        ${supportNumber === undefined ? sql`` : sql`and support_number = ${supportNumber}`})
    returning 1`);
  return rows.length;
}

import { and, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { conversations } from '../../../db/schema/index.js';
import { ProblemError } from '../../../lib/problem.js';
import type { Viewer } from '../../allowed-actions.js';
import { loadConversationSummaries } from '../../conversation-view.js';
import type { ApiDeps } from '../../deps.js';
import type { ConversationRow } from './access.js';

/**
 * Keyset pagination over conversations. `activity`: newest activity first, (updatedAt, id) descending. `waiting`:
 * longest-waiting first, (last customer message or creation, id) ascending, the pick backlog's FIFO. The cursor is
 * opaque to clients; it carries the sort key as Postgres prints it, so microsecond timestamps compare exactly.
 */
export type PageOrder = 'activity' | 'waiting';

const KEY: Record<PageOrder, SQL> = {
  activity: sql`${conversations.updatedAt}`,
  waiting: sql`coalesce(${conversations.lastCustomerMessageAt}, ${conversations.createdAt})`,
};

type PageInput = { where?: SQL; order: PageOrder; cursor?: string; limit: number };

/** A page as the conversation lists answer it (ConversationPage): summaries, not transcripts. */
export async function pageOfSummaries(deps: Pick<ApiDeps, 'db' | 'config'>, viewer: Viewer, input: PageInput) {
  const page = await pageConversations(deps.db, input);
  return {
    items: await loadConversationSummaries(deps.db, deps.config, page.rows, viewer),
    nextCursor: page.nextCursor,
  };
}

export async function pageConversations(
  db: Db,
  input: PageInput,
): Promise<{ rows: ConversationRow[]; nextCursor: string | null }> {
  const key = KEY[input.order];
  const after = input.cursor ? decodeCursor(input.cursor, input.order) : null;
  const keyset = after
    ? input.order === 'activity'
      ? sql`(${key}, ${conversations.id}) < (${after.key}::timestamptz, ${after.id}::uuid)`
      : sql`(${key}, ${conversations.id}) > (${after.key}::timestamptz, ${after.id}::uuid)`
    : undefined;
  const dir = input.order === 'activity' ? sql`desc` : sql`asc`;
  const rows = await db
    .select({
      conv: conversations,
      sortKey: sql<string>`to_char(${key} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(conversations)
    .where(and(input.where, keyset))
    .orderBy(sql`${key} ${dir}`, sql`${conversations.id} ${dir}`)
    .limit(input.limit + 1);
  const more = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    rows: page.map((r) => r.conv),
    nextCursor: more && last ? encodeCursor(input.order, last.sortKey, last.conv.id) : null,
  };
}

function encodeCursor(order: PageOrder, key: string, id: string): string {
  return Buffer.from(JSON.stringify([order, key, id])).toString('base64url');
}

/** A date PostgreSQL accepts: JavaScript rolls 2026-02-30 over to March, PostgreSQL refuses it (a 500 otherwise). */
function isRealInstant(key: string): boolean {
  const d = new Date(key);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 19) === key.slice(0, 19);
}

function decodeCursor(cursor: string, order: PageOrder): { key: string; id: string } {
  try {
    const [o, key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      o === order &&
      typeof key === 'string' &&
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(key) &&
      isRealInstant(key) &&
      typeof id === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
    ) {
      return { key, id };
    }
  } catch {}
  const message = 'must be a nextCursor returned by this list';
  throw new ProblemError(422, `cursor: ${message}`, [{ path: 'cursor', message }]);
}

import { and, desc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import { conversations, customers, messageSearchVector, messages } from '../../../db/schema/index.js';
import { highlight, highlightHtml, prefixTsQuery, searchTerms } from '../../../domain/search-highlight.js';
import { ProblemError } from '../../../lib/problem.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import { icuLower, likePattern, workspaceVisibility } from '../customers/customer-access.js';
import type * as routes from './search.routes.js';
import type { SEARCH_FIELDS } from './search.routes.js';

type Field = (typeof SEARCH_FIELDS)[number];

/**
 * Conversation search (docs/search.md). Message text: a GIN index over the `simple` text-search configuration of the
 * ICU-lower-cased text (Bulgarian and English alike; no stemming), every query word a prefix. Number, name and tag
 * match the customer. One hit per conversation, newest activity first, keyset-paged.
 */
export const searchConversations: AppRouteHandler<typeof routes.searchConversations> = async (c) => {
  const { deps, user } = c.var;
  const q = c.req.valid('query');
  const terms = searchTerms(q.q);
  const tsquery = sql`to_tsquery('simple'::regconfig, ${prefixTsQuery(terms)})`;
  const textMatch = sql`${messageSearchVector(messages.text)} @@ ${tsquery}`;
  const digits = q.q.replace(/[\s+()-]/g, '');
  const numberMatch = /^[0-9]{3,15}$/.test(digits)
    ? sql`${conversations.customerNumber} like ${likePattern(digits)}`
    : sql`false`;
  const nameMatch = sql`${icuLower(sql`${customers.name}`)} like ${icuLower(sql`${likePattern(q.q)}`)}`;
  const tagMatch = sql`${customers.tags} @> ${JSON.stringify([q.q.toLowerCase()])}::jsonb`;
  const hasText = sql`exists (select 1 from ${messages} where ${messages.conversationId} = ${conversations.id}
    and ${messages.direction} <> 'note' and ${textMatch})`;
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const keyset = after
    ? sql`(${conversations.updatedAt}, ${conversations.id}) < (${after.key}::timestamptz, ${after.id}::uuid)`
    : undefined;
  const rows = await deps.db
    .select({
      conv: conversations,
      name: customers.name,
      tags: customers.tags,
      byNumber: sql<boolean>`${numberMatch}`,
      byName: sql<boolean>`coalesce(${nameMatch}, false)`,
      byTag: sql<boolean>`coalesce(${tagMatch}, false)`,
      byText: sql<boolean>`${hasText}`,
      sortKey: sql<string>`to_char(${conversations.updatedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(conversations)
    .leftJoin(customers, eq(customers.number, conversations.customerNumber))
    .where(and(workspaceVisibility(user), keyset, or(numberMatch, nameMatch, tagMatch, hasText)))
    .orderBy(desc(conversations.updatedAt), desc(conversations.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const textHits = page.filter((r) => r.byText).map((r) => r.conv.id);
  // The newest matching message of each conversation that matched on text.
  const matched = textHits.length
    ? await deps.db
        .selectDistinctOn([messages.conversationId])
        .from(messages)
        .where(and(inArray(messages.conversationId, textHits), sql`${messages.direction} <> 'note'`, textMatch as SQL))
        .orderBy(messages.conversationId, desc(messages.createdAt), desc(messages.seq))
    : [];
  const messageOf = new Map(matched.map((m) => [m.conversationId, m]));
  const items = page.map((r) => {
    const matchedOn: Field[] = [];
    if (r.byText) matchedOn.push('text');
    if (r.byName) matchedOn.push('name');
    if (r.byNumber) matchedOn.push('number');
    if (r.byTag) matchedOn.push('tag');
    const m = messageOf.get(r.conv.id);
    const field = matchedOn[0] ?? 'text';
    const segments =
      field === 'text' && m
        ? highlight(m.text, terms)
        : field === 'name'
          ? highlight(r.name ?? '', searchTerms(q.q))
          : field === 'number'
            ? highlightLiteral(r.conv.customerNumber, digits)
            : [{ text: q.q.toLowerCase(), match: true }];
    return {
      conversationId: r.conv.id,
      state: r.conv.state,
      customerNumber: r.conv.customerNumber,
      supportNumber: r.conv.supportNumber,
      customerName: r.name ?? null,
      tags: r.tags ?? [],
      agentId: r.conv.agentId,
      queueId: r.conv.queueId,
      updatedAt: r.conv.updatedAt.toISOString(),
      matchedOn,
      message: m ? { id: m.id, direction: m.direction, createdAt: m.createdAt.toISOString() } : null,
      highlight: { field, segments, html: highlightHtml(segments) },
    };
  });
  const last = page.at(-1);
  return c.json(
    { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortKey, last.conv.id) : null },
    200,
  );
};

/** A number with the digits that matched marked. */
function highlightLiteral(text: string, part: string) {
  const i = text.indexOf(part);
  if (i < 0) return [{ text, match: false }];
  return [
    ...(i > 0 ? [{ text: text.slice(0, i), match: false }] : []),
    { text: part, match: true },
    ...(i + part.length < text.length ? [{ text: text.slice(i + part.length), match: false }] : []),
  ];
}

function encodeCursor(key: string, id: string): string {
  return Buffer.from(JSON.stringify(['search', key, id])).toString('base64url');
}

function decodeCursor(cursor: string): { key: string; id: string } {
  try {
    const [kind, key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      kind === 'search' &&
      typeof key === 'string' &&
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(key) &&
      typeof id === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) &&
      // A calendar date Postgres accepts (not 2026-02-30): it round-trips through Date unchanged.
      new Date(key).toISOString().slice(0, 19) === key.slice(0, 19)
    ) {
      return { key, id };
    }
  } catch {}
  const message = 'must be a nextCursor returned by this search';
  throw new ProblemError(422, `cursor: ${message}`, [{ path: 'cursor', message }]);
}

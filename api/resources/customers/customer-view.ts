import type { z } from '@hono/zod-openapi';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { consentEvents, consents, conversations, customers, messages } from '../../../db/schema/index.js';
import { messageView } from '../../conversation-view.js';
import type { AuthUser } from '../../deps.js';
import type { Executor } from '../../lib/route-helpers.js';
import { workspaceVisibility } from './customer-access.js';
import type { Customer } from './customers.routes.js';

const HISTORY_CONVERSATIONS = 20;
const TRANSCRIPT_MESSAGES = 200;
const CONSENT_EVENTS = 50;

type CustomerRow = typeof customers.$inferSelect;

/** True when the user may see (and, for agents, edit) this customer: staff always, agents through a conversation. */
export async function customerVisibleTo(db: Executor, user: AuthUser, number: string): Promise<boolean> {
  const visibility = workspaceVisibility(user);
  if (!visibility) return true;
  const [row] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.customerNumber, number), visibility))
    .limit(1);
  return !!row;
}

/** The profile as the API shows it, or null when nothing is known about the number (no profile, no conversation). */
export async function loadCustomerView(
  db: Db,
  user: AuthUser,
  number: string,
): Promise<z.infer<typeof Customer> | null> {
  const visibility = workspaceVisibility(user);
  const [row, convs, consentRows, events] = await Promise.all([
    db.query.customers.findFirst({ where: eq(customers.number, number) }),
    db
      .select()
      .from(conversations)
      .where(and(eq(conversations.customerNumber, number), visibility))
      .orderBy(desc(conversations.createdAt), desc(conversations.id))
      .limit(HISTORY_CONVERSATIONS),
    db.select().from(consents).where(eq(consents.customerNumber, number)).orderBy(asc(consents.supportNumber)),
    db
      .select()
      .from(consentEvents)
      .where(eq(consentEvents.customerNumber, number))
      .orderBy(desc(consentEvents.at), desc(consentEvents.id))
      .limit(CONSENT_EVENTS * 4),
  ]);
  if (!row && convs.length === 0) return null;
  if (visibility && convs.length === 0) return null;
  const transcripts = await Promise.all(
    convs.map((c) =>
      db
        .select()
        .from(messages)
        .where(eq(messages.conversationId, c.id))
        .orderBy(desc(messages.createdAt), desc(messages.seq))
        .limit(TRANSCRIPT_MESSAGES)
        .then((rows) => rows.reverse()),
    ),
  );
  const [last] = await db
    .select({ at: sql<Date | null>`max(coalesce(${conversations.lastCustomerMessageAt}, ${conversations.createdAt}))` })
    .from(conversations)
    .where(and(eq(conversations.customerNumber, number), visibility));
  // Support numbers with events but no current row (never happens today) still show their history.
  const supportNumbers = [
    ...new Set([...consentRows.map((c) => c.supportNumber), ...events.map((e) => e.supportNumber)]),
  ];
  return {
    ...profileFields(
      row,
      number,
      consentRows.some((c) => c.optedOut),
      last?.at ?? null,
    ),
    consent: supportNumbers.map((supportNumber) => {
      const current = consentRows.find((c) => c.supportNumber === supportNumber);
      return {
        supportNumber,
        optedOut: current?.optedOut ?? false,
        source: current?.source ?? null,
        changedAt: current?.changedAt.toISOString() ?? null,
        history: events
          .filter((e) => e.supportNumber === supportNumber)
          .slice(0, CONSENT_EVENTS)
          .map((e) => ({ optedOut: e.optedOut, source: e.source, applied: e.applied, at: e.at.toISOString() })),
      };
    }),
    conversations: convs.map((c, i) => ({
      id: c.id,
      state: c.state,
      resolution: c.resolution,
      supportNumber: c.supportNumber,
      queueId: c.queueId,
      agentId: c.agentId,
      createdAt: c.createdAt.toISOString(),
      closedAt: c.closedAt?.toISOString() ?? null,
      messages: transcripts[i]!.map((m) => messageView(m)),
    })),
  };
}

export function profileFields(
  row: CustomerRow | undefined | null,
  number: string,
  optedOut: boolean,
  lastAt: Date | string | null,
) {
  return {
    number,
    name: row?.name ?? null,
    tags: row?.tags ?? [],
    language: row?.language ?? null,
    notes: row?.notes ?? null,
    optedOut,
    lastContactAt: lastAt === null ? null : new Date(lastAt).toISOString(),
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

/** Opted-out flags for a page of numbers (any support number). */
export async function optedOutNumbers(db: Db, numbers: string[]): Promise<Set<string>> {
  if (numbers.length === 0) return new Set();
  const rows = await db
    .select({ number: consents.customerNumber })
    .from(consents)
    .where(and(inArray(consents.customerNumber, numbers), eq(consents.optedOut, true)));
  return new Set(rows.map((r) => r.number));
}

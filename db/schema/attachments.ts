import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { ATTACHMENT_LINK_KINDS, ATTACHMENT_SOURCES, ATTACHMENT_STATUSES } from '../../attachments/vocabulary.js';
import { conversations } from './conversations.js';
import { users } from './setup.js';

/**
 * Files in conversations (issue #17). SMS carries no files, so they travel as links: an agent's file is stored and
 * the customer gets a download link; a customer uploads through a single-use link; TeleSign media callbacks are
 * fetched into storage. Bytes live in `attachment_chunks` (attachments/storage.ts); every row cascades with its
 * conversation, so deleting a conversation (retention, erasure) deletes its files.
 */

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const attachmentSourceEnum = pgEnum('attachment_source', ATTACHMENT_SOURCES);
export const attachmentStatusEnum = pgEnum('attachment_status', ATTACHMENT_STATUSES);
export const attachmentLinkKindEnum = pgEnum('attachment_link_kind', ATTACHMENT_LINK_KINDS);

export const attachments = pgTable(
  'attachments',
  {
    id: uuid().primaryKey(),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    source: attachmentSourceEnum().notNull(),
    status: attachmentStatusEnum().notNull(),
    /** Sanitised display name; never used to decide the type. */
    fileName: text().notNull(),
    /** Detected from the content (magic bytes), from the allowlist only. */
    contentType: text(),
    size: bigint({ mode: 'number' }).notNull().default(0),
    /** The transcript message the file belongs to (the agent's link SMS); inbound ones match on the reference id. */
    messageId: uuid(),
    /** For customer files: the message's provider reference (TeleSign MO id, or upload:{id}). */
    providerReferenceId: text(),
    /** Inbound media: the URL TeleSign gave (admins see it; fetched only from TeleSign's hosts). */
    sourceRef: text(),
    error: text(),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('attachments_conversation_idx').on(t.conversationId, t.createdAt),
    index('attachments_provider_ref_idx').on(t.providerReferenceId),
  ],
);

/** The bytes, in fixed-size rows, so files stream in and out without being held whole. */
export const attachmentChunks = pgTable(
  'attachment_chunks',
  {
    attachmentId: uuid()
      .notNull()
      .references(() => attachments.id, { onDelete: 'cascade' }),
    n: integer().notNull(),
    data: bytea().notNull(),
  },
  (t) => [primaryKey({ columns: [t.attachmentId, t.n] })],
);

/**
 * Links sent to customers: a download link for an agent's file, or a single-use upload link. Only the SHA-256 of the
 * random token is stored, so a database read does not yield working links.
 */
export const attachmentLinks = pgTable(
  'attachment_links',
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: attachmentLinkKindEnum().notNull(),
    tokenHash: text().notNull().unique(),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** Download links: the file. Upload links: the file once uploaded. */
    attachmentId: uuid().references(() => attachments.id, { onDelete: 'cascade' }),
    messageId: uuid(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    usedAt: timestamp({ withTimezone: true }),
    downloads: integer().notNull().default(0),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('attachment_links_conversation_idx').on(t.conversationId),
    index('attachment_links_attachment_idx').on(t.attachmentId).where(sql`attachment_id is not null`),
  ],
);

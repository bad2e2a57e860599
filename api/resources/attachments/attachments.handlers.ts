import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { ALLOWED_TYPES } from '../../../attachments/content-check.js';
import { attachmentLinks, attachments, consents, messages } from '../../../db/schema/index.js';
import { metrics } from '../../../lib/metrics.js';
import { ProblemError } from '../../../lib/problem.js';
import { sendUpdate } from '../../../workflows/definitions.js';
import type { ApiDeps, AuthUser } from '../../deps.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import { conversationProblem } from '../../workflow-errors.js';
import { actor, loadActionable, runUpdate } from '../conversation-actions/actions.handlers.js';
import { type ConversationRow, isStaff, loadReadableConversation } from '../conversations/access.js';
import {
  type AttachmentRow,
  type LinkRow,
  markStored,
  receivePending,
  storageOf,
  toggleOff,
  togglesOf,
} from './attachment-files.js';
import type * as routes from './attachments.routes.js';
import { downloadPagePath, hashLinkToken, newLinkToken, uploadPagePath } from './links.js';
import { serveFile } from './serve-file.js';

/** Workspace: agents send files and request them from customers; staff list, revoke and download them. */

const DAY_MS = 86_400_000;

/** The assigned agent only (as for sending a text), on an open conversation, never to an opted-out customer. */
async function loadForSending(deps: ApiDeps, user: AuthUser, id: string): Promise<ConversationRow> {
  const conv = await loadActionable(deps, user, id);
  if (conv.agentId !== user.id) {
    throw conversationProblem.forbidden(`only the assigned agent may send files in conversation ${id}`);
  }
  const consent = await deps.db.query.consents.findFirst({
    where: and(eq(consents.supportNumber, conv.supportNumber), eq(consents.customerNumber, conv.customerNumber)),
  });
  if (consent?.optedOut) throw conversationProblem.optedOut();
  return conv;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function attachmentView(
  a: AttachmentRow,
  opts: { link?: LinkRow | undefined; messageStatus?: string | null; staff: boolean },
) {
  return {
    id: a.id,
    conversationId: a.conversationId,
    source: a.source,
    status: a.status,
    fileName: a.fileName,
    contentType: a.contentType,
    size: a.size,
    messageId: a.messageId,
    messageStatus: (opts.messageStatus ?? null) as (typeof messages.$inferSelect)['status'] | null,
    error: a.error,
    sourceRef: opts.staff ? a.sourceRef : null,
    link: opts.link
      ? {
          id: opts.link.id,
          expiresAt: opts.link.expiresAt.toISOString(),
          revokedAt: iso(opts.link.revokedAt),
          downloads: opts.link.downloads,
        }
      : null,
    createdAt: a.createdAt.toISOString(),
  };
}

const linkText = (deps: ApiDeps, path: string) => `${deps.config.PUBLIC_BASE_URL}${path}`;

export const sendAttachment: AppRouteHandler<typeof routes.sendAttachment> = async (c) => {
  const { deps, user } = c.var;
  const { id } = c.req.valid('param');
  const conv = await loadForSending(deps, user, id);
  if (!(await togglesOf(deps.db, conv)).agentsCanSend) {
    metrics.attachmentsRefused.inc({ reason: 'toggle' });
    throw toggleOff('agents');
  }
  const file = await receivePending(c, deps, conv.id, () => ({ source: 'agent', createdBy: user.id }));
  const token = newLinkToken();
  const expiresAt = new Date(Date.now() + deps.config.ATTACHMENT_LINK_DAYS * DAY_MS);
  const [link] = await deps.db
    .insert(attachmentLinks)
    .values({
      kind: 'download',
      tokenHash: hashLinkToken(token),
      conversationId: conv.id,
      attachmentId: file.attachmentId,
      expiresAt,
      createdBy: user.id,
    })
    .returning();
  await markStored(deps, file);
  // The link goes out through the normal send path: ordered, retried, delivery-reported, counted in segments.
  const text = `${file.fileName}: ${linkText(deps, downloadPagePath(token))}`;
  let messageId: string;
  try {
    ({ messageId } = await runUpdate(deps, conv, (h) =>
      h.executeUpdate(sendUpdate, { args: [actor(user), { text }] }),
    ));
  } catch (err) {
    await deps.db.delete(attachments).where(eq(attachments.id, file.attachmentId));
    throw err;
  }
  await deps.db.update(attachments).set({ messageId }).where(eq(attachments.id, file.attachmentId));
  await deps.db.update(attachmentLinks).set({ messageId }).where(eq(attachmentLinks.id, link!.id));
  metrics.attachmentsStored.inc({ source: 'agent' });
  metrics.attachmentBytesStored.inc({ source: 'agent' }, file.size);
  const row = await deps.db.query.attachments.findFirst({ where: eq(attachments.id, file.attachmentId) });
  const msg = await deps.db.query.messages.findFirst({ where: eq(messages.id, messageId), columns: { status: true } });
  return c.json(attachmentView(row!, { link, messageStatus: msg?.status ?? null, staff: isStaff(user) }), 202);
};

export const listAttachments: AppRouteHandler<typeof routes.listAttachments> = async (c) => {
  const { deps, user } = c.var;
  const { id } = c.req.valid('param');
  const conv = await loadReadableConversation(deps.db, user, id);
  const [rows, links, allowed] = await Promise.all([
    deps.db.query.attachments.findMany({
      where: eq(attachments.conversationId, id),
      orderBy: [attachments.createdAt],
      limit: 500,
    }),
    deps.db.query.attachmentLinks.findMany({
      where: eq(attachmentLinks.conversationId, id),
      orderBy: [desc(attachmentLinks.createdAt)],
      limit: 500,
    }),
    togglesOf(deps.db, conv),
  ]);
  const messageIds = rows.map((r) => r.messageId).filter((m): m is string => m !== null);
  const statuses = messageIds.length
    ? await deps.db
        .select({ id: messages.id, status: messages.status })
        .from(messages)
        .where(inArray(messages.id, messageIds))
    : [];
  const statusOf = new Map(statuses.map((s) => [s.id, s.status]));
  const downloadLinkOf = new Map(
    links.filter((l) => l.kind === 'download' && l.attachmentId).map((l) => [l.attachmentId!, l]),
  );
  return c.json(
    {
      items: rows.map((a) =>
        attachmentView(a, {
          link: downloadLinkOf.get(a.id),
          messageStatus: a.messageId ? (statusOf.get(a.messageId) ?? null) : null,
          staff: isStaff(user),
        }),
      ),
      uploadRequests: links
        .filter((l) => l.kind === 'upload')
        .map((l) => ({
          id: l.id,
          conversationId: l.conversationId,
          messageId: l.messageId,
          expiresAt: l.expiresAt.toISOString(),
          usedAt: iso(l.usedAt),
          revokedAt: iso(l.revokedAt),
        })),
      allowed,
      maxBytes: deps.config.ATTACHMENT_MAX_BYTES,
      acceptedTypes: [...ALLOWED_TYPES],
    },
    200,
  );
};

export const requestAttachment: AppRouteHandler<typeof routes.requestAttachment> = async (c) => {
  const { deps, user } = c.var;
  const { id } = c.req.valid('param');
  const conv = await loadForSending(deps, user, id);
  if (!(await togglesOf(deps.db, conv)).customersCanSend) throw toggleOff('customers');
  const token = newLinkToken();
  const [link] = await deps.db
    .insert(attachmentLinks)
    .values({
      kind: 'upload',
      tokenHash: hashLinkToken(token),
      conversationId: conv.id,
      expiresAt: new Date(Date.now() + deps.config.ATTACHMENT_UPLOAD_LINK_HOURS * 3_600_000),
      createdBy: user.id,
    })
    .returning();
  const text = `Please send us your file here: ${linkText(deps, uploadPagePath(token))}`;
  let messageId: string;
  try {
    ({ messageId } = await runUpdate(deps, conv, (h) =>
      h.executeUpdate(sendUpdate, { args: [actor(user), { text }] }),
    ));
  } catch (err) {
    await deps.db.delete(attachmentLinks).where(eq(attachmentLinks.id, link!.id));
    throw err;
  }
  await deps.db.update(attachmentLinks).set({ messageId }).where(eq(attachmentLinks.id, link!.id));
  return c.json(
    {
      id: link!.id,
      conversationId: conv.id,
      messageId,
      expiresAt: link!.expiresAt.toISOString(),
      usedAt: null,
      revokedAt: null,
    },
    202,
  );
};

/** The attachment and its conversation, if the user may see the conversation (404 otherwise, like an unknown id). */
async function loadReadableAttachment(deps: ApiDeps, user: AuthUser, id: string) {
  const row = await deps.db.query.attachments.findFirst({ where: eq(attachments.id, id) });
  const notFound = new ProblemError(404, `attachment ${id} not found`, [{ path: 'id', message: 'not found' }]);
  if (!row) throw notFound;
  try {
    const conv = await loadReadableConversation(deps.db, user, row.conversationId);
    return { row, conv };
  } catch {
    throw notFound;
  }
}

export const revokeAttachmentLink: AppRouteHandler<typeof routes.revokeAttachmentLink> = async (c) => {
  const { deps, user } = c.var;
  const { id } = c.req.valid('param');
  const { row, conv } = await loadReadableAttachment(deps, user, id);
  if (!isStaff(user) && conv.agentId !== user.id) {
    throw conversationProblem.forbidden(`only the assigned agent may revoke links in conversation ${conv.id}`);
  }
  const [link] = await deps.db
    .update(attachmentLinks)
    .set({ revokedAt: sql`coalesce(${attachmentLinks.revokedAt}, now())` })
    .where(and(eq(attachmentLinks.attachmentId, id), eq(attachmentLinks.kind, 'download')))
    .returning();
  if (!link) {
    throw new ProblemError(409, `attachment ${id} has no download link`, [
      { path: 'id', message: 'has no download link (only files sent by agents have one)' },
    ]);
  }
  const msg = row.messageId
    ? await deps.db.query.messages.findFirst({ where: eq(messages.id, row.messageId), columns: { status: true } })
    : undefined;
  return c.json(attachmentView(row, { link, messageStatus: msg?.status ?? null, staff: isStaff(user) }), 200);
};

export const getAttachmentContent: AppRouteHandler<typeof routes.getAttachmentContent> = async (c) => {
  const { deps, user } = c.var;
  const { id } = c.req.valid('param');
  const { row } = await loadReadableAttachment(deps, user, id);
  if (row.status !== 'stored' || !row.contentType) {
    throw new ProblemError(409, `attachment ${id} is not stored (status: ${row.status})`, [
      { path: 'status', message: `is ${row.status}` },
    ]);
  }
  metrics.attachmentDownloads.inc({ by: 'staff' });
  return serveFile(c, row, storageOf(deps)) as never;
};

import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { ALLOWED_TYPES } from '../../../attachments/content-check.js';
import { postgresStorage } from '../../../attachments/storage.js';
import type { Db } from '../../../db/client.js';
import { attachmentLinks, attachments, consents, messages, smsChannels } from '../../../db/schema/index.js';
import { handOverMo } from '../../../inbox/hand-over/hand-over.js';
import { metrics } from '../../../lib/metrics.js';
import { ProblemError } from '../../../lib/problem.js';
import { sendUpdate } from '../../../workflows/definitions.js';
import type { ApiDeps, AuthUser } from '../../deps.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import { clientAddress, hit, tooManyRequests } from '../../middleware/rate-limit.js';
import { conversationProblem } from '../../workflow-errors.js';
import { actor, loadActionable, runUpdate } from '../conversation-actions/actions.handlers.js';
import { type ConversationRow, isStaff, loadReadableConversation } from '../conversations/access.js';
import type * as routes from './attachments.routes.js';
import { downloadPagePath, hashLinkToken, newLinkToken, uploadPagePath } from './links.js';
import { receiveFile } from './receive-file.js';
import { serveFile } from './serve-file.js';

type AttachmentRow = typeof attachments.$inferSelect;
type LinkRow = typeof attachmentLinks.$inferSelect;
type Toggles = { agentsCanSend: boolean; customersCanSend: boolean };

const OFF: Toggles = { agentsCanSend: false, customersCanSend: false };
const DAY_MS = 86_400_000;

const storageOf = (deps: ApiDeps) => postgresStorage(deps.sql);

async function togglesOf(db: Db, conv: ConversationRow): Promise<Toggles> {
  if (!conv.channelId) return OFF;
  const ch = await db.query.smsChannels.findFirst({
    where: eq(smsChannels.id, conv.channelId),
    columns: { attachments: true },
  });
  return ch?.attachments ?? OFF;
}

const toggleOff = (which: 'agents' | 'customers') =>
  new ProblemError(
    403,
    which === 'agents'
      ? 'this channel does not allow agents to send files ("Agents can send file attachments" is off)'
      : 'this channel does not accept files from customers ("Customers can send file attachments" is off)',
    [{ path: 'channel.attachments', message: `${which}CanSend is off` }],
    {},
    'attachments-disabled',
  );

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

// ---- workspace ------------------------------------------------------------------------------------------------

export const sendAttachment: AppRouteHandler<typeof routes.sendAttachment> = async (c) => {
  const { deps, user } = c.var;
  const { id } = c.req.valid('param');
  const conv = await loadForSending(deps, user, id);
  if (!(await togglesOf(deps.db, conv)).agentsCanSend) {
    metrics.attachmentsRefused.inc({ reason: 'toggle' });
    throw toggleOff('agents');
  }
  const file = await receiveFileCounted(c, deps, {
    createRow: async (fileName) => {
      const attachmentId = randomUUID();
      await deps.db.insert(attachments).values({
        id: attachmentId,
        conversationId: conv.id,
        source: 'agent',
        status: 'pending',
        fileName: fileName.slice(0, 120) || 'file',
        createdBy: user.id,
      });
      return attachmentId;
    },
  });
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
  await deps.db
    .update(attachments)
    .set({ status: 'stored', size: file.size, contentType: file.contentType, fileName: file.fileName })
    .where(eq(attachments.id, file.attachmentId));
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

/** receiveFile with the configured limit and the refusal metrics. */
async function receiveFileCounted(
  c: Parameters<typeof receiveFile>[0],
  deps: ApiDeps,
  opts: { createRow: (fileName: string) => Promise<string> },
) {
  try {
    return await receiveFile(c, {
      storage: storageOf(deps),
      maxBytes: deps.config.ATTACHMENT_MAX_BYTES,
      createRow: opts.createRow,
      dropRow: async (rowId) => {
        await deps.db.delete(attachments).where(eq(attachments.id, rowId));
      },
    });
  } catch (err) {
    if (err instanceof ProblemError && (err.status === 413 || err.status === 415)) {
      metrics.attachmentsRefused.inc({ reason: err.status === 413 ? 'too_large' : 'type' });
    }
    throw err;
  }
}

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

// ---- customer links -------------------------------------------------------------------------------------------

/** Per client address across both link kinds: guessing tokens or hammering a link gets 429. */
async function limitLinkUse(c: Parameters<typeof tooManyRequests>[0], deps: ApiDeps): Promise<void> {
  const [h] = await hit(deps.db, [`attach-link:ip:${clientAddress(c, deps.config.TRUST_PROXY)}`], 60);
  if (h && h.hits > deps.config.ATTACHMENT_LINK_RATE_PER_MINUTE) {
    throw tooManyRequests(c, h.retryAfterSeconds, `too many link requests; retry after ${h.retryAfterSeconds} s`);
  }
}

const linkGone = (why: string) =>
  new ProblemError(410, `this link ${why}`, [{ path: 'token', message: why }], {}, 'link-gone');

async function loadLink(deps: ApiDeps, token: string, kind: 'download' | 'upload'): Promise<LinkRow> {
  const link = await deps.db.query.attachmentLinks.findFirst({
    where: and(eq(attachmentLinks.tokenHash, hashLinkToken(token)), eq(attachmentLinks.kind, kind)),
  });
  if (!link) throw new ProblemError(404, 'no such link', [{ path: 'token', message: 'is unknown' }]);
  if (link.revokedAt) throw linkGone('was revoked');
  if (link.expiresAt.getTime() <= Date.now()) throw linkGone('has expired');
  if (kind === 'upload' && link.usedAt) throw linkGone('was used already');
  return link;
}

async function linkedFile(deps: ApiDeps, link: LinkRow): Promise<AttachmentRow> {
  const row = link.attachmentId
    ? await deps.db.query.attachments.findFirst({ where: eq(attachments.id, link.attachmentId) })
    : undefined;
  if (row?.status !== 'stored' || !row.contentType) throw linkGone('no longer holds a file');
  return row;
}

export const getPublicFile: AppRouteHandler<typeof routes.getPublicFile> = async (c) => {
  const { deps } = c.var;
  await limitLinkUse(c, deps);
  const link = await loadLink(deps, c.req.valid('param').token, 'download');
  const row = await linkedFile(deps, link);
  c.header('Cache-Control', 'no-store');
  return c.json(
    { fileName: row.fileName, contentType: row.contentType!, size: row.size, expiresAt: link.expiresAt.toISOString() },
    200,
  );
};

export const getPublicFileContent: AppRouteHandler<typeof routes.getPublicFileContent> = async (c) => {
  const { deps } = c.var;
  await limitLinkUse(c, deps);
  const link = await loadLink(deps, c.req.valid('param').token, 'download');
  const row = await linkedFile(deps, link);
  await deps.db
    .update(attachmentLinks)
    .set({ downloads: sql`${attachmentLinks.downloads} + 1` })
    .where(eq(attachmentLinks.id, link.id));
  metrics.attachmentDownloads.inc({ by: 'customer' });
  return serveFile(c, row, storageOf(deps)) as never;
};

async function loadUploadTarget(deps: ApiDeps, token: string) {
  const link = await loadLink(deps, token, 'upload');
  const conv = await deps.db.query.conversations.findFirst({
    where: (t, { eq: is }) => is(t.id, link.conversationId),
  });
  if (!conv) throw new ProblemError(404, 'no such link', [{ path: 'token', message: 'is unknown' }]);
  if (!(await togglesOf(deps.db, conv)).customersCanSend) {
    metrics.attachmentsRefused.inc({ reason: 'toggle' });
    throw toggleOff('customers');
  }
  return { link, conv };
}

export const getPublicUpload: AppRouteHandler<typeof routes.getPublicUpload> = async (c) => {
  const { deps } = c.var;
  await limitLinkUse(c, deps);
  const { link } = await loadUploadTarget(deps, c.req.valid('param').token);
  c.header('Cache-Control', 'no-store');
  return c.json(
    {
      expiresAt: link.expiresAt.toISOString(),
      maxBytes: deps.config.ATTACHMENT_MAX_BYTES,
      acceptedTypes: [...ALLOWED_TYPES],
    },
    200,
  );
};

export const uploadPublicFile: AppRouteHandler<typeof routes.uploadPublicFile> = async (c) => {
  const { deps } = c.var;
  await limitLinkUse(c, deps);
  const { link, conv } = await loadUploadTarget(deps, c.req.valid('param').token);
  const file = await receiveFileCounted(c, deps, {
    createRow: async (fileName) => {
      const attachmentId = randomUUID();
      await deps.db.insert(attachments).values({
        id: attachmentId,
        conversationId: conv.id,
        source: 'customer_upload',
        status: 'pending',
        fileName: fileName.slice(0, 120) || 'file',
        providerReferenceId: `upload:${attachmentId}`,
      });
      return attachmentId;
    },
  });
  // Single use: the first upload to claim the link wins; a concurrent second one is dropped.
  const [claimed] = await deps.db
    .update(attachmentLinks)
    .set({ usedAt: new Date(), attachmentId: file.attachmentId })
    .where(and(eq(attachmentLinks.id, link.id), isNull(attachmentLinks.usedAt), isNull(attachmentLinks.revokedAt)))
    .returning();
  if (!claimed) {
    await deps.db.delete(attachments).where(eq(attachments.id, file.attachmentId));
    throw linkGone('was used already');
  }
  await deps.db
    .update(attachments)
    .set({ status: 'stored', size: file.size, contentType: file.contentType, fileName: file.fileName })
    .where(eq(attachments.id, file.attachmentId));
  // Into the conversation as the customer's message, through its workflow (transcript, routing, events).
  const referenceId = `upload:${file.attachmentId}`;
  try {
    await deps.temporal.withDeadline(Date.now() + 10_000, () =>
      handOverMo(
        deps,
        {
          inboxId: file.attachmentId,
          accountId: conv.accountId,
          supportNumber: conv.supportNumber,
          customerNumber: conv.customerNumber,
          sms: {
            inboxId: file.attachmentId,
            referenceId,
            text: `[file] ${file.fileName}`,
            receivedAt: new Date().toISOString(),
            attachment: { id: file.attachmentId },
          },
        },
        async () => {},
      ),
    );
  } catch (err) {
    deps.logger.warn({ err, conversationId: conv.id }, 'customer upload could not be handed to the workflow');
    // Not accepted: the link works again and nothing half-done stays.
    await deps.db
      .update(attachmentLinks)
      .set({ usedAt: null, attachmentId: null })
      .where(eq(attachmentLinks.id, link.id));
    await deps.db.delete(attachments).where(eq(attachments.id, file.attachmentId));
    throw new ProblemError(503, 'the file could not be delivered to the conversation right now; please try again');
  }
  metrics.attachmentsStored.inc({ source: 'customer_upload' });
  metrics.attachmentBytesStored.inc({ source: 'customer_upload' }, file.size);
  return c.json({ fileName: file.fileName, size: file.size }, 201);
};

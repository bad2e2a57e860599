import { and, eq, isNull, sql } from 'drizzle-orm';
import { ALLOWED_TYPES } from '../../../attachments/content-check.js';
import { attachmentLinks, attachments } from '../../../db/schema/index.js';
import { handOverMo } from '../../../inbox/hand-over/hand-over.js';
import { metrics } from '../../../lib/metrics.js';
import { ProblemError } from '../../../lib/problem.js';
import type { ApiDeps } from '../../deps.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import { clientAddress, hit, tooManyRequests } from '../../middleware/rate-limit.js';
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
import { hashLinkToken } from './links.js';
import { serveFile } from './serve-file.js';

/** Customers: the links sent by SMS; the token is the credential, and use is rate-limited per address. */

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
  const file = await receivePending(c, deps, conv.id, (attachmentId) => ({
    source: 'customer_upload',
    providerReferenceId: `upload:${attachmentId}`,
  }));
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
  await markStored(deps, file);
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

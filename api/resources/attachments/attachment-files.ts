import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { postgresStorage } from '../../../attachments/storage.js';
import type { Db } from '../../../db/client.js';
import { type attachmentLinks, attachments, smsChannels } from '../../../db/schema/index.js';
import { metrics } from '../../../lib/metrics.js';
import { ProblemError } from '../../../lib/problem.js';
import type { ApiDeps } from '../../deps.js';
import type { ConversationRow } from '../conversations/access.js';
import { receiveFile } from './receive-file.js';

/** What the workspace and the customer-link handlers share: the channel's switches, storage and receiving a file. */

export type AttachmentRow = typeof attachments.$inferSelect;
type NewAttachment = typeof attachments.$inferInsert;
export type LinkRow = typeof attachmentLinks.$inferSelect;
type Toggles = { agentsCanSend: boolean; customersCanSend: boolean };

const OFF: Toggles = { agentsCanSend: false, customersCanSend: false };
export const storageOf = (deps: ApiDeps) => postgresStorage(deps.sql);

/** The channel's attachment switches; a conversation without a channel allows nothing. */
export async function togglesOf(db: Db, conv: ConversationRow): Promise<Toggles> {
  if (!conv.channelId) return OFF;
  const ch = await db.query.smsChannels.findFirst({
    where: eq(smsChannels.id, conv.channelId),
    columns: { attachments: true },
  });
  return ch?.attachments ?? OFF;
}

export const toggleOff = (which: 'agents' | 'customers') =>
  new ProblemError(
    403,
    which === 'agents'
      ? 'this channel does not allow agents to send files ("Agents can send file attachments" is off)'
      : 'this channel does not accept files from customers ("Customers can send file attachments" is off)',
    [{ path: 'channel.attachments', message: `${which}CanSend is off` }],
    {},
    'attachments-disabled',
  );

/**
 * Receives the request's file (configured size limit, refusal metrics) into a new pending attachment row of the
 * conversation; `fields` adds what the kind of upload records (who sent it). The row is dropped if the file is refused.
 */
export async function receivePending(
  c: Parameters<typeof receiveFile>[0],
  deps: ApiDeps,
  conversationId: string,
  fields: (attachmentId: string) => Pick<NewAttachment, 'source' | 'createdBy' | 'providerReferenceId'>,
) {
  try {
    return await receiveFile(c, {
      storage: storageOf(deps),
      maxBytes: deps.config.ATTACHMENT_MAX_BYTES,
      createRow: async (fileName) => {
        const attachmentId = randomUUID();
        await deps.db.insert(attachments).values({
          id: attachmentId,
          conversationId,
          status: 'pending',
          fileName: fileName.slice(0, 120) || 'file',
          ...fields(attachmentId),
        });
        return attachmentId;
      },
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

/** The received file is whole: the row says so, with what the content check found. */
export async function markStored(deps: ApiDeps, file: Awaited<ReturnType<typeof receivePending>>) {
  await deps.db
    .update(attachments)
    .set({ status: 'stored', size: file.size, contentType: file.contentType, fileName: file.fileName })
    .where(eq(attachments.id, file.attachmentId));
}

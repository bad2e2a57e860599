import { Context } from '@temporalio/activity';
import { eq } from 'drizzle-orm';
import { safeFileName } from '../attachments/content-check.js';
import { postgresStorage } from '../attachments/storage.js';
import { FileRefused, storeChecked } from '../attachments/store-file.js';
import type { Config } from '../config/env.js';
import type { Db } from '../db/client.js';
import { publishEvent } from '../db/publish-event.js';
import { attachments, conversations } from '../db/schema/index.js';
import { providerAllowlistFromConfig } from '../lib/egress-allowlist.js';
import { download } from '../lib/egress-download.js';
import { EgressError } from '../lib/egress-http.js';
import { metrics } from '../lib/metrics.js';

/** Must match the retry policy's maximumAttempts (workflows/conversation/activity-options.ts, mediaFetch). */
const LAST_ATTEMPT = 5;
const FETCH_TIMEOUT_MS = 60_000;

export type FetchMediaInput = {
  /** Chosen by the workflow, so every retry writes the same row. */
  attachmentId: string;
  conversationId: string;
  referenceId: string;
  index: number;
  url: string;
  contentType?: string;
};

export type FetchMediaResult = { status: 'stored' | 'failed'; size?: number; error?: string };

/**
 * Inbound media (MMS-style callbacks): fetched from TeleSign's hosts only, checked like any upload (type by
 * content, size limit), stored, and announced to the conversation's agents. Idempotent on the attachment id.
 */
export function attachmentActivities(deps: {
  db: Db;
  config: Pick<Config, 'TELESIGN_BASE_URL' | 'TELESIGN_ALLOWED_HOSTS' | 'ATTACHMENT_MAX_BYTES'>;
}) {
  const { db } = deps;
  const storage = postgresStorage(db.$client);
  const allowlist = providerAllowlistFromConfig(deps.config);
  const maxBytes = deps.config.ATTACHMENT_MAX_BYTES;

  const announce = async (conversationId: string, attachmentId: string) => {
    const conv = await db.query.conversations.findFirst({
      where: eq(conversations.id, conversationId),
      columns: { agentId: true },
    });
    await publishEvent(db, {
      type: 'conversation.updated',
      conversationId,
      agentIds: conv?.agentId ? [conv.agentId] : [],
      data: { conversationId, attachmentId },
    });
  };

  const fail = async (input: FetchMediaInput, error: string): Promise<FetchMediaResult> => {
    await db.update(attachments).set({ status: 'failed', error }).where(eq(attachments.id, input.attachmentId));
    await announce(input.conversationId, input.attachmentId);
    return { status: 'failed', error };
  };

  return {
    async fetchInboundMedia(input: FetchMediaInput): Promise<FetchMediaResult> {
      await db
        .insert(attachments)
        .values({
          id: input.attachmentId,
          conversationId: input.conversationId,
          source: 'inbound_media',
          status: 'pending',
          fileName: `media-${input.index + 1}`,
          providerReferenceId: input.referenceId,
          sourceRef: input.url,
        })
        .onConflictDoNothing();
      const row = await db.query.attachments.findFirst({ where: eq(attachments.id, input.attachmentId) });
      if (row?.status === 'stored') return { status: 'stored', size: row.size };
      if (row?.status === 'failed') return { status: 'failed', error: row.error ?? 'failed' };
      const attempt = Context.current().info.attempt;
      try {
        const got = await download(input.url, { allowlist, timeoutMs: FETCH_TIMEOUT_MS, maxBytes });
        const stored = await storeChecked(storage, input.attachmentId, got.body, maxBytes);
        const name = new URL(input.url).pathname.split('/').pop();
        await db
          .update(attachments)
          .set({
            status: 'stored',
            size: stored.size,
            contentType: stored.contentType,
            fileName: safeFileName(
              name && /\.\w{2,5}$/.test(name) ? name : `media-${input.index + 1}.${stored.ext}`,
              stored.ext,
            ),
            error: null,
          })
          .where(eq(attachments.id, input.attachmentId));
        metrics.attachmentsStored.inc({ source: 'inbound_media' });
        metrics.attachmentBytesStored.inc({ source: 'inbound_media' }, stored.size);
        await announce(input.conversationId, input.attachmentId);
        return { status: 'stored', size: stored.size };
      } catch (err) {
        if (err instanceof FileRefused) return fail(input, err.message);
        if (err instanceof EgressError && !err.retryable) return fail(input, err.message);
        const message = err instanceof Error ? err.message : String(err);
        if (attempt >= LAST_ATTEMPT) return fail(input, `gave up after ${attempt} attempts: ${message}`);
        await db.update(attachments).set({ error: message }).where(eq(attachments.id, input.attachmentId));
        throw err;
      }
    },
  };
}

import type { Context } from 'hono';
import { ALLOWED_TYPES, INLINE_TYPES } from '../../../attachments/content-check.js';
import type { AttachmentStorage } from '../../../attachments/storage.js';
import type { attachments } from '../../../db/schema/index.js';

const ALLOWED: ReadonlySet<string> = new Set(ALLOWED_TYPES);

/** RFC 6266 / 5987: an ASCII fallback and the exact name in UTF-8. */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * A stored file as a response, streamed from storage. Never rendered as a page: the type is one the content check
 * allowed (HTML and SVG never are; anything else is served as octet-stream), `nosniff` stops browsers guessing,
 * only raster images are inline, and the CSP for file responses (api/middleware/security-headers.ts) sandboxes it.
 */
export function serveFile(
  c: Context,
  row: Pick<typeof attachments.$inferSelect, 'id' | 'fileName' | 'contentType' | 'size'>,
  storage: AttachmentStorage,
): Response {
  const type = row.contentType && ALLOWED.has(row.contentType) ? row.contentType : 'application/octet-stream';
  const chunks = storage.read(row.id)[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await chunks.return?.();
    },
  });
  return c.body(body, 200, {
    'Content-Type': type,
    'Content-Length': String(row.size),
    'Content-Disposition': contentDisposition(INLINE_TYPES.has(type) ? 'inline' : 'attachment', row.fileName),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
}

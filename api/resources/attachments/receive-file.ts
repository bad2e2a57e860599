import { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Context } from 'hono';
import { safeFileName } from '../../../attachments/content-check.js';
import type { AttachmentStorage } from '../../../attachments/storage.js';
import { FileRefused, type StoredFile, storeChecked } from '../../../attachments/store-file.js';
import { ProblemError } from '../../../lib/problem.js';

/** Room for the multipart framing and a few small fields around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;

/** The form field that carries the file, the only one read. */
export const FILE_FIELD = 'file';

export type ReceivedFile = StoredFile & { fileName: string };

const fieldProblem = (status: number, message: string) =>
  new ProblemError(status, `file: ${message}`, [{ path: FILE_FIELD, message }]);

/**
 * Streams the `file` part of a multipart/form-data request into storage: checked by content as it arrives, stopped
 * past `maxBytes`, never held whole. `createRow` runs once the first bytes passed the check (so refused files leave
 * no row); it returns the attachment id the bytes belong to. Problems: 413 too large, 415 not multipart or a refused
 * type, 422 no file part or a malformed body.
 */
export async function receiveFile(
  c: Context,
  opts: {
    storage: AttachmentStorage;
    maxBytes: number;
    createRow: (fileName: string) => Promise<string>;
    dropRow: (id: string) => Promise<void>;
  },
): Promise<ReceivedFile & { attachmentId: string }> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw new ProblemError(415, 'the body must be multipart/form-data with a "file" part', [
      { path: '(body)', message: 'must be multipart/form-data' },
    ]);
  }
  const declared = Number(c.req.header('content-length'));
  if (Number.isFinite(declared) && declared > opts.maxBytes + MULTIPART_OVERHEAD) {
    throw fieldProblem(413, `must be at most ${opts.maxBytes} bytes`);
  }
  const body = c.req.raw.body;
  if (!body) throw fieldProblem(422, 'is required (a multipart part named "file")');

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      limits: { files: 1, fileSize: opts.maxBytes, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 20 },
    });
  } catch (err) {
    throw new ProblemError(422, `(body): ${(err as Error).message}`, [
      { path: '(body)', message: 'must be multipart/form-data with a boundary' },
    ]);
  }

  return new Promise((resolve, reject) => {
    let settled = false;
    let work: Promise<void> | null = null;
    const input = Readable.fromWeb(body as never);
    const settle = (err: unknown, value?: ReceivedFile & { attachmentId: string }) => {
      if (settled) return;
      settled = true;
      input.unpipe(parser);
      input.resume(); // drain what the client still sends, so the answer is not a reset connection
      if (err) reject(err);
      else resolve(value!);
    };
    parser.on('file', (name, stream, info) => {
      if (name !== FILE_FIELD || work) {
        stream.resume();
        return;
      }
      work = (async () => {
        let attachmentId: string | null = null;
        let truncated = false;
        stream.once('limit', () => {
          truncated = true;
        });
        const fileName = info.filename ?? '';
        // The row is created lazily: storage asks for the id only when the content check has passed.
        const lazy: AttachmentStorage = {
          write: async (_id, bytes) => {
            attachmentId = await opts.createRow(fileName);
            return opts.storage.write(attachmentId, bytes);
          },
          read: opts.storage.read,
          remove: opts.storage.remove,
        };
        async function* bytes(): AsyncGenerator<Uint8Array> {
          for await (const chunk of stream) yield chunk as Buffer;
          if (truncated) throw new FileRefused('too_large', `must be at most ${opts.maxBytes} bytes`);
        }
        try {
          const stored = await storeChecked(lazy, 'pending', bytes(), opts.maxBytes);
          if (truncated) throw new FileRefused('too_large', `must be at most ${opts.maxBytes} bytes`);
          settle(null, { ...stored, attachmentId: attachmentId!, fileName: safeFileName(fileName, stored.ext) });
        } catch (err) {
          stream.resume();
          if (attachmentId) await opts.dropRow(attachmentId).catch(() => {});
          if (err instanceof FileRefused) {
            settle(fieldProblem(err.kind === 'too_large' ? 413 : 415, err.message));
          } else settle(err);
        }
      })();
    });
    parser.on('error', (err: Error) =>
      settle(
        new ProblemError(422, `(body): malformed multipart body (${err.message})`, [
          { path: '(body)', message: 'must be a well-formed multipart/form-data body' },
        ]),
      ),
    );
    parser.on('close', () => {
      if (!work) settle(fieldProblem(422, 'is required (a multipart part named "file")'));
    });
    input.on('error', (err) => settle(new ProblemError(400, `the request body could not be read (${err.message})`)));
    input.pipe(parser);
  });
}

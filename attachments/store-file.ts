import { type AllowedType, checkContent, SNIFF_BYTES } from './content-check.js';
import type { AttachmentStorage } from './storage.js';

/** A file we will not keep: too large, empty, or not an accepted type. Callers turn it into 413/415/422. */
export class FileRefused extends Error {
  constructor(
    readonly kind: 'too_large' | 'type',
    message: string,
  ) {
    super(message);
    this.name = 'FileRefused';
  }
}

export type StoredFile = { size: number; contentType: AllowedType; ext: string };

/**
 * Streams `source` into storage after checking its first bytes (magic bytes, not the name), stopping as soon as
 * it passes `maxBytes`. Holds at most the sniffing sample plus one storage chunk in memory. The attachment row must
 * exist; on refusal nothing of the file stays in storage.
 */
export async function storeChecked(
  storage: AttachmentStorage,
  attachmentId: string,
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<StoredFile> {
  const it = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let done = false;
  while (headBytes < SNIFF_BYTES) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.byteLength;
    if (headBytes > maxBytes) throw new FileRefused('too_large', `the file is larger than ${maxBytes} bytes`);
  }
  const sample = Buffer.concat(head);
  const check = await checkContent(sample.subarray(0, SNIFF_BYTES));
  if (!check.ok) {
    await it.return?.();
    throw new FileRefused('type', check.reason);
  }
  let total = 0;
  async function* all(): AsyncGenerator<Uint8Array> {
    total += sample.length;
    yield sample;
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      total += next.value.byteLength;
      if (total > maxBytes) throw new FileRefused('too_large', `the file is larger than ${maxBytes} bytes`);
      yield next.value;
    }
  }
  const { size } = await storage.write(attachmentId, all());
  return { size, contentType: check.contentType, ext: check.ext };
}

import type postgres from 'postgres';

/**
 * Where attachment bytes live. One small interface so another store (S3, a file system) can replace PostgreSQL
 * without touching the API or the activities. Bytes stream in and out: no implementation may hold a whole file.
 */
export interface AttachmentStorage {
  /** Writes the file's bytes (the attachment row must exist); answers the size written. Partial writes are removed. */
  write(attachmentId: string, bytes: AsyncIterable<Uint8Array>): Promise<{ size: number }>;
  /** The bytes, in order, fetched a piece at a time. */
  read(attachmentId: string): AsyncIterable<Buffer>;
  /** Drops the bytes (rows cascading from the attachment also drop them; this is for a failed or replaced write). */
  remove(attachmentId: string): Promise<void>;
}

/** Rows of 256 KiB: big enough that a 5 MB file is 20 inserts, small enough that a read holds one at a time. */
export const CHUNK_BYTES = 256 * 1024;

/** The default store: `attachment_chunks` rows (bytea, uncompressed) in the application database. */
export function postgresStorage(sql: postgres.Sql, chunkBytes = CHUNK_BYTES): AttachmentStorage {
  const remove = async (attachmentId: string) => {
    await sql`delete from attachment_chunks where attachment_id = ${attachmentId}`;
  };
  return {
    async write(attachmentId, bytes) {
      let n = 0;
      let size = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async (all: boolean) => {
        while (pendingBytes >= chunkBytes || (all && pendingBytes > 0)) {
          const joined = Buffer.concat(pending, pendingBytes);
          const take = Math.min(chunkBytes, joined.length);
          const row = joined.subarray(0, take);
          await sql`insert into attachment_chunks (attachment_id, n, data) values (${attachmentId}, ${n}, ${row})`;
          n++;
          const rest = joined.subarray(take);
          pending = rest.length ? [Buffer.from(rest)] : [];
          pendingBytes = rest.length;
        }
      };
      try {
        await remove(attachmentId); // a retried write starts clean
        for await (const piece of bytes) {
          const b = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
          pending.push(b);
          pendingBytes += b.length;
          size += b.length;
          if (pendingBytes >= chunkBytes) await flush(false);
        }
        await flush(true);
        return { size };
      } catch (err) {
        await remove(attachmentId).catch(() => {});
        throw err;
      }
    },
    async *read(attachmentId) {
      for (let n = 0; ; n++) {
        const rows = await sql<{ data: Buffer }[]>`
          select data from attachment_chunks where attachment_id = ${attachmentId} and n = ${n}`;
        if (rows.length === 0) return;
        yield rows[0]!.data;
      }
    },
    remove,
  };
}

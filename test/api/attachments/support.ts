import { deflateSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { conversations, smsChannels } from '../../../db/schema/index.js';

/** A real (tiny) PDF: the magic bytes and a minimal body. */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** HTML that claims to be a PDF by its name only. */
export const HTML_AS_PDF = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');

/** A valid 2×2 PNG, built here (signature, IHDR, IDAT, IEND with CRCs). */
export function png(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function fileForm(bytes: Buffer, name: string, type = 'application/octet-stream'): FormData {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  return form;
}

export async function setToggles(db: Db, channelId: string, t: { agentsCanSend: boolean; customersCanSend: boolean }) {
  await db.update(smsChannels).set({ attachments: t }).where(eq(smsChannels.id, channelId));
}

export async function conversationOf(db: Db, customerNumber: string) {
  return db.query.conversations.findFirst({ where: eq(conversations.customerNumber, customerNumber) });
}

/** The link token in an SMS text (…/f/{token} or …/u/{token}). */
export function tokenIn(text: string, kind: 'f' | 'u'): string {
  const m = new RegExp(`/${kind}/([A-Za-z0-9_-]{22})`).exec(text);
  if (!m) throw new Error(`no /${kind}/ link in ${JSON.stringify(text)}`);
  return m[1]!;
}

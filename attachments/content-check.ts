import { fileTypeFromBuffer } from 'file-type';

/**
 * Which files may travel, decided by their content (magic bytes), never by their name or the client's Content-Type:
 * raster images, PDF, audio, video and CSV (the Dynamics 365 attachment list, minus office formats and archives).
 * HTML, SVG and anything script-like is refused, so a stored file can never run in our origin.
 */

export const ALLOWED_TYPES = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/heic',
  'image/heif',
  'image/bmp',
  'application/pdf',
  'audio/mpeg',
  'audio/mp4',
  'audio/aac',
  'audio/ogg',
  'audio/opus',
  'audio/wav',
  'audio/amr',
  'audio/x-m4a',
  'video/mp4',
  'video/quicktime',
  'video/webm',
  'video/3gpp',
  'video/3gpp2',
  'text/csv',
] as const;
export type AllowedType = (typeof ALLOWED_TYPES)[number];

/** Served inline (shown in the browser): raster images only. Everything else downloads. */
export const INLINE_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/bmp',
]);

/** How many leading bytes the check needs (file-type's recommended sample). */
export const SNIFF_BYTES = 4100;

/** file-type's names for the same kinds, mapped onto ours. */
const ALIASES: Record<string, AllowedType> = {
  'audio/x-wav': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/x-aac': 'audio/aac',
  'audio/m4a': 'audio/x-m4a',
  'image/x-ms-bmp': 'image/bmp',
  'audio/amr-wb': 'audio/amr',
  'video/ogg': 'audio/ogg',
};

export type ContentCheck = { ok: true; contentType: AllowedType; ext: string } | { ok: false; reason: string };

const ALLOWED: ReadonlySet<string> = new Set(ALLOWED_TYPES);

/** Markup at the start of a text file: a browser sniffing it (or a user opening it) would treat it as a page. */
const MARKUP = /^\s*<|<\s*(html|script|svg|iframe|body|head|meta|!doctype|\?xml)\b/i;

/** CSV: UTF-8 text without NUL or control bytes (other than tab/CR/LF) and without markup. */
function looksLikeCsv(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head);
  } catch {
    // The sample may end inside a multi-byte character: retry without its last 3 bytes.
    if (head.length < SNIFF_BYTES) return false;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - 3));
    } catch {
      return false;
    }
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control bytes is the point.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return false;
  return !MARKUP.test(text);
}

/** Decides on the first SNIFF_BYTES of a file (fewer if the file is shorter). */
export async function checkContent(head: Uint8Array): Promise<ContentCheck> {
  if (head.length === 0) return { ok: false, reason: 'the file is empty' };
  const detected = await fileTypeFromBuffer(head);
  if (detected) {
    const type = ALIASES[detected.mime] ?? detected.mime;
    if (ALLOWED.has(type)) return { ok: true, contentType: type as AllowedType, ext: detected.ext };
    return { ok: false, reason: `files of type ${detected.mime} are not accepted (images, PDF, audio, video, CSV)` };
  }
  if (looksLikeCsv(head)) return { ok: true, contentType: 'text/csv', ext: 'csv' };
  return {
    ok: false,
    reason: 'the content is not an accepted type (images, PDF, audio, video, CSV); HTML, SVG and scripts never are',
  };
}

/** A display name safe in headers, HTML and SMS: no path, no control or quote characters, at most 120 characters. */
export function safeFileName(raw: string | undefined, ext: string): string {
  const base = (raw ?? '')
    .split(/[\\/]/)
    .pop()!
    // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters is the point.
    .replace(/[\u0000-\u001f\u007f"<>`]/g, '')
    .trim()
    .slice(0, 120);
  const name = base || `file.${ext}`;
  return name;
}

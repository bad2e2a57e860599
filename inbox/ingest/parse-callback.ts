import { SMS_MAX_CHARACTERS, smsLength } from '../../domain/sms-limits.js';
import { replaceUnsafeText } from '../../lib/text-safety.js';

/**
 * Turns a verified TeleSign callback body (already JSON) into what we store and act on. Lenient where TeleSign's
 * own docs disagree (docs/domain.md, "Callbacks"): dates in RFC 3339 or RFC 1123, numbers as numeric strings, DLRs without
 * sub_resource. Never throws: anything it cannot use becomes `other` with a reason, and is recorded, not lost.
 */

export type ParsedMo = {
  kind: 'mo_sms';
  referenceId: string;
  customerNumber: string;
  supportNumber: string;
  text: string;
  submittedAt: Date | null;
  /** TeleSign keyword handling, when enabled: stop | start | help | generic. */
  action?: string;
  flags: Record<string, boolean>;
  /** Media the callback points at (MMS): the URLs, kept for the fetch activity and for admins. */
  media?: MediaRef[];
};

export type MediaRef = { url: string; contentType?: string };

export type ParsedDlr = {
  kind: 'dlr';
  referenceId: string;
  externalId: string | null;
  statusCode: number;
  description: string | null;
  updatedOn: Date | null;
};

export type ParsedOther = { kind: 'other'; subResource: string | null; referenceId: string | null; reason: string };

export type ParsedCallback = ParsedMo | ParsedDlr | ParsedOther;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const RFC1123 = /^[A-Za-z]{3},? \d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}(:\d{2})? (GMT|UTC|[+-]\d{4})$/;

export function parseLenientDate(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (!RFC3339.test(s) && !RFC1123.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t);
}

export function parseLenientInt(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v === 'string' && /^\s*-?\d{1,15}\s*$/.test(v)) return Number.parseInt(v, 10);
  return null;
}

/** Phone numbers as digits: TeleSign sends strings without '+', but a number or a '+' prefix is harmless. */
function digits(v: unknown): string | null {
  const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : typeof v === 'string' ? v : null;
  if (s === null) return null;
  const d = s.replace(/^\s*\+/, '').replace(/[\s-]/g, '');
  return /^\d{1,20}$/.test(d) ? d : null;
}

function str(v: unknown, max = 200): string | null {
  return typeof v === 'string' && v.length > 0 && v.length <= max ? v : null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the transcript shows for a message that is only media (the file itself follows once fetched). */
export const MEDIA_PLACEHOLDER = '[media received]';
/** At most this many media references per callback are kept (and fetched). */
export const MAX_MEDIA_PER_MESSAGE = 10;

/** Keys that point at media in MMS-style callbacks (TeleSign does not document one name; several are in use). */
const MEDIA_KEY = /media|mms|image|attachment|content_url|file/i;

const httpUrl = (v: unknown): string | null => {
  if (typeof v !== 'string' || v.length > 2048) return null;
  try {
    const u = new URL(v.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
};

/**
 * Media references anywhere a media-looking key sits in user_response or the top level: a URL string, a list of
 * them, or objects with a `url` (and maybe `content_type`). Unknown shapes are ignored here and kept in the payload.
 */
function findMedia(...sources: Record<string, unknown>[]): MediaRef[] {
  const found: MediaRef[] = [];
  const seen = new Set<string>();
  const add = (v: unknown) => {
    if (found.length >= MAX_MEDIA_PER_MESSAGE) return;
    const direct = httpUrl(v);
    const obj = isObject(v) ? v : null;
    const url = direct ?? (obj ? (httpUrl(obj.url) ?? httpUrl(obj.media_url) ?? httpUrl(obj.href)) : null);
    if (!url || seen.has(url)) return;
    seen.add(url);
    const type = obj ? (str(obj.content_type, 100) ?? str(obj.mime_type, 100) ?? str(obj.type, 100)) : null;
    found.push(type ? { url, contentType: type } : { url });
  };
  for (const source of sources) {
    for (const [key, value] of Object.entries(source)) {
      if (!MEDIA_KEY.test(key)) continue;
      if (Array.isArray(value)) for (const v of value.slice(0, MAX_MEDIA_PER_MESSAGE)) add(v);
      else add(value);
    }
  }
  return found;
}

/**
 * The text of an MO: mo_message, else MMS-style text_1, text_2… parts joined; for a media-only message, the
 * placeholder. Null when there is neither text nor media (not a message we can act on).
 */
function moText(ur: Record<string, unknown>, hasMedia: boolean): string | null {
  if (typeof ur.mo_message === 'string' && (ur.mo_message !== '' || !hasMedia)) return ur.mo_message;
  const parts = Object.keys(ur)
    .map((k) => /^text_(\d{1,3})$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => ur[m[0]])
    .filter((v): v is string => typeof v === 'string' && v !== '');
  if (parts.length) return parts.join('');
  return hasMedia ? MEDIA_PLACEHOLDER : null;
}

export function parseCallback(body: unknown): ParsedCallback {
  if (!isObject(body))
    return { kind: 'other', subResource: null, referenceId: null, reason: 'body is not a JSON object' };
  const subResource = typeof body.sub_resource === 'string' ? body.sub_resource : null;
  const referenceId = str(body.reference_id);
  const status = isObject(body.status) ? body.status : null;
  const other = (reason: string): ParsedOther => ({ kind: 'other', subResource, referenceId, reason });

  if (subResource === 'mo_sms' || (subResource === null && body.user_response !== undefined)) {
    const ur = isObject(body.user_response) ? body.user_response : null;
    if (!referenceId) return other('mo_sms without reference_id');
    if (!ur) return other('mo_sms without user_response');
    const customerNumber = digits(ur.phone_number);
    const supportNumber = digits(ur.sender_id);
    if (!customerNumber) return other('mo_sms without a usable user_response.phone_number');
    if (!supportNumber) return other('mo_sms without a usable user_response.sender_id');
    const media = findMedia(ur, body);
    const text = moText(ur, media.length > 0);
    if (text === null) return other('mo_sms without user_response.mo_message');
    const action = typeof ur.action === 'string' && ur.action ? ur.action.toLowerCase() : undefined;
    return {
      kind: 'mo_sms',
      referenceId,
      customerNumber,
      supportNumber,
      text,
      submittedAt: parseLenientDate(body.submit_timestamp) ?? parseLenientDate(status?.updated_on),
      ...(action ? { action } : {}),
      flags: {
        ...(smsLength(text) > SMS_MAX_CHARACTERS ? { textOverLimit: true } : {}),
        ...(media.length ? { media: true } : {}),
      },
      ...(media.length ? { media } : {}),
    };
  }

  // Some TeleSign pages omit sub_resource on SMS delivery reports: status + reference_id alone means a DLR.
  if (subResource === 'sms' || (subResource === null && status !== null && referenceId !== null)) {
    if (!referenceId) return other('delivery report without reference_id');
    const code = parseLenientInt(status?.code);
    if (code === null) return other('delivery report without a numeric status.code');
    return {
      kind: 'dlr',
      referenceId,
      externalId: str(body.external_id, 100),
      statusCode: code,
      description: typeof status?.description === 'string' ? status.description.slice(0, 500) : null,
      updatedOn: parseLenientDate(status?.updated_on),
    };
  }
  return other(subResource ? `sub_resource ${subResource} is not handled` : 'no sub_resource');
}

/**
 * TeleSign's callbacks are a few levels deep with a few dozen values. A signed body beyond these limits is not one we
 * can act on; it is stored raw and marked unparseable (so TeleSign stops retrying and admins see it in the inbox).
 * The limits also keep the copy below, JSON.stringify and PostgreSQL's jsonb parser far from their stack limits.
 */
export const CALLBACK_LIMITS = { depth: 32, values: 10_000 };

export class UnparseableCallback extends Error {
  override name = 'UnparseableCallback';
}

/**
 * Postgres text and jsonb cannot hold NUL or lone UTF-16 surrogates (JSON allows both as escapes). The raw body
 * is kept byte-exact; the parsed copy we store and act on gets U+FFFD instead, so such a body is stored, not a 503.
 * Iterative, so nesting cannot overflow the stack; throws UnparseableCallback beyond `limits`.
 */
export function sanitizeForPostgres(v: unknown, limits = CALLBACK_LIMITS): unknown {
  const root: Record<string, unknown> = {};
  const stack: { src: unknown; parent: Record<string, unknown> | unknown[]; key: string | number; depth: number }[] = [
    { src: v, parent: root, key: 'v', depth: 0 },
  ];
  let values = 0;
  while (stack.length > 0) {
    const { src, parent, key, depth } = stack.pop() as (typeof stack)[number];
    if (++values > limits.values) throw new UnparseableCallback(`more than ${limits.values} JSON values`);
    let out: unknown = src;
    if (typeof src === 'string') out = replaceUnsafeText(src);
    else if (src !== null && typeof src === 'object') {
      if (depth >= limits.depth) throw new UnparseableCallback(`JSON nested deeper than ${limits.depth} levels`);
      if (Array.isArray(src)) {
        const arr: unknown[] = new Array(src.length);
        for (let i = 0; i < src.length; i++) stack.push({ src: src[i], parent: arr, key: i, depth: depth + 1 });
        out = arr;
      } else {
        const obj: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(src as Record<string, unknown>)) {
          const safeKey = replaceUnsafeText(k);
          // Defined, not assigned: a "__proto__" key in the JSON stays a plain property.
          Object.defineProperty(obj, safeKey, { value: null, enumerable: true, writable: true, configurable: true });
          stack.push({ src: x, parent: obj, key: safeKey, depth: depth + 1 });
        }
        out = obj;
      }
    }
    (parent as Record<string | number, unknown>)[key] = out;
  }
  return root.v;
}

/**
 * What the webhook stores and acts on for a verified JSON body: the sanitised payload and its parse, or, for a body
 * beyond CALLBACK_LIMITS, a marker payload and an `other` parse whose reason says why (stored as ignored).
 */
export function prepareCallback(body: unknown): { payload: unknown; parsed: ParsedCallback } {
  try {
    const payload = sanitizeForPostgres(body);
    return { payload, parsed: parseCallback(payload) };
  } catch (err) {
    if (!(err instanceof UnparseableCallback)) throw err;
    const reason = `unparseable: ${err.message}`;
    return {
      payload: { unparseable: reason },
      parsed: { kind: 'other', subResource: null, referenceId: null, reason },
    };
  }
}

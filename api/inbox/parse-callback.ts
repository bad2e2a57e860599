/**
 * Turns a verified TeleSign callback body (already JSON) into what we store and act on. Lenient where TeleSign's
 * own docs disagree (telesign.md §7): dates in RFC 3339 or RFC 1123, numbers as numeric strings, DLRs without
 * sub_resource. Never throws: anything it cannot use becomes `other` with a reason, and is recorded, not lost.
 */

export const MO_TEXT_LIMIT = 1600;

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
};

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
    if (typeof ur.mo_message !== 'string') return other('mo_sms without user_response.mo_message');
    const text = ur.mo_message;
    const action = typeof ur.action === 'string' && ur.action ? ur.action.toLowerCase() : undefined;
    return {
      kind: 'mo_sms',
      referenceId,
      customerNumber,
      supportNumber,
      text,
      submittedAt: parseLenientDate(body.submit_timestamp) ?? parseLenientDate(status?.updated_on),
      ...(action ? { action } : {}),
      flags: [...text].length > MO_TEXT_LIMIT ? { textOverLimit: true } : {},
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
 * Postgres text and jsonb cannot hold NUL or lone UTF-16 surrogates (JSON allows both as escapes). The raw body
 * is kept byte-exact; the parsed copy we store and act on gets U+FFFD instead, so such a body is stored, not a 503.
 */
export function sanitizeForPostgres(v: unknown): unknown {
  if (typeof v === 'string') {
    return v
      .replaceAll('\u0000', '\uFFFD')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  }
  if (Array.isArray(v)) return v.map(sanitizeForPostgres);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [
        sanitizeForPostgres(k) as string,
        sanitizeForPostgres(x),
      ]),
    );
  }
  return v;
}

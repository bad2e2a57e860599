import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * TeleSign signatures, both directions:
 * - callbacks TeleSign sends us: base64(HMAC-SHA256(base64decode(apiKey), raw body)) in
 *   `Authorization: TSA {customerId}:{sig}` and/or `X-TS-Authorization: {sig}` (docs/domain.md, "Callbacks");
 * - REST requests we send (Digest / "TSA" scheme): the string-to-sign exactly as telesignsdk's
 *   RestClient.generateTeleSignHeaders builds it (docs/domain.md, "Authentication of our REST requests"), also used by the simulator to verify.
 */

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : headers[key];
  return Array.isArray(v) ? v[0] : v;
}

function hmacBase64(apiKeyBase64: string, data: string | Uint8Array): string {
  return createHmac('sha256', Buffer.from(apiKeyBase64, 'base64')).update(data).digest('base64');
}

/** Constant-time string comparison; length leaks nothing useful (a base64 SHA-256 is always 44 characters). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The signature TeleSign puts on a callback body. */
export function signCallback(apiKeyBase64: string, rawBody: string | Uint8Array): string {
  return hmacBase64(apiKeyBase64, rawBody);
}

/** Both headers TeleSign sends with a callback. */
export function callbackHeaders(customerId: string, apiKeyBase64: string, rawBody: string): Record<string, string> {
  const sig = signCallback(apiKeyBase64, rawBody);
  return { Authorization: `TSA ${customerId}:${sig}`, 'X-TS-Authorization': sig };
}

export type CallbackVerification =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed' | 'wrong_customer' | 'bad_signature' };

/**
 * Checks a callback against the account's credentials, on the raw bytes before any parsing. Every signature
 * header present must verify (a valid one cannot vouch for a forged one); at least one must be present.
 */
export function verifyCallbackSignature(input: {
  headers: HeaderSource;
  rawBody: string | Uint8Array;
  customerId: string;
  apiKey: string;
}): CallbackVerification {
  const expected = signCallback(input.apiKey, input.rawBody);
  const auth = header(input.headers, 'authorization')?.trim();
  const bare = header(input.headers, 'x-ts-authorization')?.trim();
  if (!auth && !bare) return { ok: false, reason: 'missing' };
  if (auth) {
    const space = auth.indexOf(' ');
    const scheme = space < 0 ? auth : auth.slice(0, space);
    const creds = space < 0 ? '' : auth.slice(space + 1).trim();
    const colon = creds.lastIndexOf(':');
    if (scheme.toUpperCase() !== 'TSA' || colon <= 0) return { ok: false, reason: 'malformed' };
    if (!safeEqual(creds.slice(0, colon).toLowerCase(), input.customerId.toLowerCase())) {
      return { ok: false, reason: 'wrong_customer' };
    }
    if (!safeEqual(creds.slice(colon + 1), expected)) return { ok: false, reason: 'bad_signature' };
  }
  if (bare !== undefined && !safeEqual(bare, expected)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}

/** Inputs of the Digest (TSA) string-to-sign. `date` is what goes in the Date header (RFC 1123). */
export type RequestSigningInput = {
  method: string;
  /** Sent only for POST/PUT; empty line otherwise (SDK behaviour). */
  contentType: string;
  date: string;
  nonce: string;
  authMethod?: 'HMAC-SHA256';
  /** The exact form-encoded body sent, or '' when there is none. */
  body: string;
  /** Resource path only, e.g. /v1/messaging (no host, no query). */
  resource: string;
};

export function requestStringToSign(i: RequestSigningInput): string {
  const method = i.method.toUpperCase();
  const contentType = method === 'POST' || method === 'PUT' ? i.contentType : '';
  return [
    method,
    contentType,
    i.date,
    `x-ts-auth-method:${i.authMethod ?? 'HMAC-SHA256'}`,
    `x-ts-nonce:${i.nonce}`,
    ...(i.body.length > 0 ? [i.body] : []),
    i.resource,
  ].join('\n');
}

export function signRequest(apiKeyBase64: string, i: RequestSigningInput): string {
  return hmacBase64(apiKeyBase64, requestStringToSign(i));
}

/** Headers for an authenticated REST request, Basic or Digest. */
export function requestAuthHeaders(opts: {
  customerId: string;
  apiKey: string;
  authMethod: 'basic' | 'digest';
  method: string;
  resource: string;
  body: string;
  contentType?: string;
  date?: string;
  nonce?: string;
}): Record<string, string> {
  const contentType = opts.contentType ?? 'application/x-www-form-urlencoded';
  const hasBody = opts.method === 'POST' || opts.method === 'PUT';
  if (opts.authMethod === 'basic') {
    return {
      Authorization: `Basic ${Buffer.from(`${opts.customerId}:${opts.apiKey}`).toString('base64')}`,
      ...(hasBody ? { 'Content-Type': contentType } : {}),
    };
  }
  const date = opts.date ?? new Date().toUTCString();
  const nonce = opts.nonce ?? crypto.randomUUID();
  const sig = signRequest(opts.apiKey, {
    method: opts.method,
    contentType,
    date,
    nonce,
    body: opts.body,
    resource: opts.resource,
  });
  return {
    Authorization: `TSA ${opts.customerId}:${sig}`,
    Date: date,
    'x-ts-auth-method': 'HMAC-SHA256',
    'x-ts-nonce': nonce,
    ...(hasBody ? { 'Content-Type': contentType } : {}),
  };
}

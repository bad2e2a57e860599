import { createHmac } from 'node:crypto';
import { requestStringToSign, safeEqual, signRequest } from '../signature.js';

/** How the simulator checks a REST request, with TeleSign's codes (docs/domain.md, "Authentication of our REST requests", "Error codes we act on"). */

export type SimAccount = {
  customerId: string;
  apiKey: string;
  suspended: boolean;
  allowedHost: boolean;
  callbackUrl: string | null;
  numbers: Set<string>;
};

export type AuthFailure = { ok: false; code: number; description: string; signatureString?: string };
export type AuthResult = { ok: true; account: SimAccount; method: 'basic' | 'digest' } | AuthFailure;

const MAX_SKEW_MS = 15 * 60_000;

function fail(code: number, description: string, signatureString?: string): AuthFailure {
  return { ok: false, code, description, ...(signatureString ? { signatureString } : {}) };
}

export function authenticateRequest(req: {
  headers: Headers;
  method: string;
  path: string;
  rawBody: string;
  findAccount: (customerId: string) => SimAccount | undefined;
  /** Returns false when the nonce was seen recently (and records it otherwise). */
  useNonce: (customerId: string, nonce: string) => boolean;
  now?: number;
}): AuthResult {
  const auth = req.headers.get('authorization')?.trim();
  if (!auth) return fail(10009, 'Missing required Authorization header');
  const space = auth.indexOf(' ');
  const scheme = space < 0 ? '' : auth.slice(0, space);
  const creds = space < 0 ? '' : auth.slice(space + 1).trim();
  const result = (() => {
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(creds, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) return fail(10028, 'Authorization header is not in the correct format');
      const account = req.findAccount(decoded.slice(0, colon));
      if (!account) return fail(10015, 'Invalid Customer ID');
      if (!safeEqual(decoded.slice(colon + 1), account.apiKey)) return fail(10022, 'Invalid API Key');
      return { ok: true as const, account, method: 'basic' as const };
    }
    if (scheme.toUpperCase() === 'TSA') {
      const colon = creds.lastIndexOf(':');
      if (colon <= 0) return fail(10028, 'Authorization header is not in the correct format');
      const account = req.findAccount(creds.slice(0, colon));
      if (!account) return fail(10015, 'Invalid Customer ID');
      const authMethod = req.headers.get('x-ts-auth-method');
      if (authMethod !== 'HMAC-SHA256') return fail(10006, 'Invalid x-ts-auth-method header');
      const xTsDate = req.headers.get('x-ts-date');
      const date = xTsDate ?? req.headers.get('date');
      if (!date) return fail(10007, 'Missing Date or x-ts-date header');
      const at = Date.parse(date);
      if (Number.isNaN(at)) return fail(10005, 'Date header is not in RFC822 format');
      if (Math.abs((req.now ?? Date.now()) - at) > MAX_SKEW_MS)
        return fail(10004, 'Date is not within tolerable range');
      const nonce = req.headers.get('x-ts-nonce');
      if (!nonce || nonce.length < 1 || nonce.length > 255) return fail(10003, 'Nonce is too long or too short');
      const contentType = req.headers.get('content-type') ?? '';
      const input = {
        method: req.method,
        contentType,
        date: xTsDate ? '' : date,
        nonce,
        body: req.rawBody,
        resource: req.path,
      };
      // Python sample shape: with x-ts-date the Date line is empty and an x-ts-date line follows the auth method.
      const stringToSign = xTsDate
        ? requestStringToSign(input).replace('\nx-ts-nonce:', `\nx-ts-date:${xTsDate}\nx-ts-nonce:`)
        : requestStringToSign(input);
      const expected = xTsDate ? signRawString(account.apiKey, stringToSign) : signRequest(account.apiKey, input);
      if (!safeEqual(creds.slice(colon + 1), expected)) return fail(10008, 'Invalid Signature', stringToSign);
      if (!req.useNonce(account.customerId, nonce)) return fail(10002, 'Nonce has been used recently');
      return { ok: true as const, account, method: 'digest' as const };
    }
    return fail(10028, 'Authorization header is not in the correct format');
  })();
  if (!result.ok) return result;
  if (result.account.suspended) return fail(10010, 'CustomerID Account Suspended');
  if (!result.account.allowedHost) return fail(10035, 'The requested API host is not allowed for this CustomerID');
  return result;
}

function signRawString(apiKey: string, s: string): string {
  return createHmac('sha256', Buffer.from(apiKey, 'base64')).update(s).digest('base64');
}

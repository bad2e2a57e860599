import { randomBytes } from 'node:crypto';
import type { ProviderAllowlist } from '../lib/egress-allowlist.js';
import { createTelesignClient, TelesignError } from './rest-client.js';

/**
 * What a credential check may tell an admin: a fixed reason, never the provider's text. Free text from "the
 * provider" was a read-SSRF channel (any host's answer came back in `detail`), so the raw answer goes only to the
 * server log (redacted) through `providerError`.
 */
export const CREDENTIALS_REASONS = [
  'ok',
  'bad_customer_id',
  'bad_api_key',
  'bad_credentials',
  'account_suspended',
  'product_not_enabled',
  'host_not_allowed',
  'unreachable',
  'timeout',
  'provider_error',
] as const;
export type CredentialsReason = (typeof CREDENTIALS_REASONS)[number];

export type CredentialsCheck = {
  valid: boolean;
  reason: CredentialsReason;
  /** TeleSign's status.code, only when it is one of the documented codes mapped to `reason`. */
  statusCode?: number;
  /** For the server log only: what the host answered, never shown to clients. */
  providerError?: { httpStatus: number | null; statusCode: number | null; description: string };
};

/** TeleSign's documented codes (docs/domain.md, "Error codes we act on") → reasons. Anything else is provider_error. */
const CODE_REASONS: Record<number, CredentialsReason> = {
  10015: 'bad_customer_id',
  10022: 'bad_api_key',
  10013: 'bad_credentials',
  10008: 'bad_credentials',
  10009: 'bad_credentials',
  10028: 'bad_credentials',
  10010: 'account_suspended',
  10011: 'product_not_enabled',
  10031: 'host_not_allowed',
  10035: 'host_not_allowed',
};

/**
 * Live credential check that sends nothing: asks for the status of a reference id that was never issued
 * (docs/domain.md, "Error codes we act on"). Recognised credentials get 404 10017 (or 400 11011); bad ones 401 with a code naming the problem.
 * It authenticates exactly as sends do (Basic, which TeleSign documents for the SMS endpoints), only ever to a host on
 * the allowlist, follows no redirect, and never retries with another method.
 */
export async function validateTelesignCredentials(opts: {
  baseUrl: string;
  allowlist: ProviderAllowlist;
  customerId: string;
  apiKey: string;
  timeoutMs?: number;
  authMethod?: 'basic' | 'digest';
  fetch?: typeof fetch;
}): Promise<CredentialsCheck> {
  const client = createTelesignClient({
    baseUrl: opts.baseUrl,
    allowlist: opts.allowlist,
    customerId: opts.customerId,
    apiKey: opts.apiKey,
    authMethod: opts.authMethod ?? 'basic',
    timeoutMs: opts.timeoutMs ?? 5000,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  try {
    await client.getStatus(randomBytes(16).toString('hex').toUpperCase());
    // A status for a reference we never sent cannot happen from TeleSign: do not call such a host valid.
    return {
      valid: false,
      reason: 'provider_error',
      providerError: { httpStatus: 200, statusCode: null, description: 'a status for a never-issued reference id' },
    };
  } catch (err) {
    if (!(err instanceof TelesignError)) {
      return {
        valid: false,
        reason: 'provider_error',
        providerError: { httpStatus: null, statusCode: null, description: String(err) },
      };
    }
    const code = err.statusCode;
    const providerError = { httpStatus: err.httpStatus, statusCode: code, description: err.description };
    if (err.kind === 'host_not_allowed') return { valid: false, reason: 'host_not_allowed', providerError };
    if (err.kind === 'network') return { valid: false, reason: 'unreachable', providerError };
    if (err.kind === 'timeout') return { valid: false, reason: 'timeout', providerError };
    if ((err.httpStatus === 404 && code === 10017) || (err.httpStatus === 400 && code === 11011)) {
      return { valid: true, reason: 'ok', statusCode: code };
    }
    const mapped = code !== null ? CODE_REASONS[code] : undefined;
    if (mapped && err.httpStatus !== null && err.httpStatus >= 400 && err.httpStatus < 500) {
      return { valid: false, reason: mapped, statusCode: code!, providerError };
    }
    if (err.kind === 'unavailable') return { valid: false, reason: 'unreachable', providerError };
    return { valid: false, reason: 'provider_error', providerError };
  }
}

/**
 * Provider text may echo what we sent (a key, or the Basic credentials `customerId:apiKey` in base64); make sure none
 * of it reaches a log line, and keep the line short.
 */
export function redactSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets.filter((x) => x.length >= 8)) {
    out = out.split(secret).join('[redacted]').split(Buffer.from(secret).toString('base64')).join('[redacted]');
  }
  return out.length > 500 ? `${out.slice(0, 500)}…` : out;
}

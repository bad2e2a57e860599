import { randomBytes } from 'node:crypto';
import { createTelesignClient, TelesignError } from './rest-client.js';

export type CredentialsReason =
  | 'bad_customer_id'
  | 'bad_api_key'
  | 'bad_signature'
  | 'host_not_allowed'
  | 'account_suspended'
  | 'unreachable'
  | 'timeout'
  | 'unexpected';

export type CredentialsCheck = { valid: boolean; reason?: CredentialsReason; detail?: string; statusCode?: number };

const AUTH_REASONS: Record<number, CredentialsReason> = {
  10015: 'bad_customer_id',
  10022: 'bad_api_key',
  10013: 'bad_api_key',
  10008: 'bad_signature',
  10031: 'host_not_allowed',
  10035: 'host_not_allowed',
  10010: 'account_suspended',
};

/**
 * Live credential check that sends nothing: asks for the status of a reference id that was never issued
 * (telesign.md §6). Recognised credentials get 404 10017 (or 400 11011); bad ones 401 with a code naming the problem.
 */
export async function validateTelesignCredentials(opts: {
  baseUrl: string;
  customerId: string;
  apiKey: string;
  timeoutMs?: number;
  authMethod?: 'basic' | 'digest';
  fetch?: typeof fetch;
}): Promise<CredentialsCheck> {
  const client = createTelesignClient({
    baseUrl: opts.baseUrl,
    customerId: opts.customerId,
    apiKey: opts.apiKey,
    authMethod: opts.authMethod ?? 'digest',
    timeoutMs: opts.timeoutMs ?? 5000,
    fetch: opts.fetch,
  });
  try {
    const r = await client.getStatus(randomBytes(16).toString('hex').toUpperCase());
    // A status for a reference we never sent cannot happen; the credentials worked, though.
    return { valid: true, statusCode: r.statusCode, detail: 'unexpected status for an unissued reference id' };
  } catch (err) {
    if (!(err instanceof TelesignError)) return { valid: false, reason: 'unexpected', detail: String(err) };
    const code = err.statusCode ?? undefined;
    const base = { detail: err.description, ...(code !== undefined ? { statusCode: code } : {}) };
    if (err.kind === 'network') return { valid: false, reason: 'unreachable', ...base };
    if (err.kind === 'timeout') return { valid: false, reason: 'timeout', ...base };
    if ((err.httpStatus === 404 && code === 10017) || (err.httpStatus === 400 && code === 11011)) {
      return { valid: true, ...base };
    }
    const mapped = code !== undefined ? AUTH_REASONS[code] : undefined;
    if (mapped) return { valid: false, reason: mapped, ...base };
    if (err.kind === 'unavailable') return { valid: false, reason: 'unreachable', ...base };
    return { valid: false, reason: 'unexpected', ...base };
  }
}

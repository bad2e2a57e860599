import type { ProviderAllowlist } from '../lib/egress-allowlist.js';
import { requestAuthHeaders } from './signature.js';
import { SYNC_BLOCKED_CODES } from './status-codes.js';

/**
 * Typed TeleSign REST client (POST /v1/messaging, GET /v1/messaging/{reference_id}).
 *
 * Why not the official `telesignsdk`: its request wrapper calls `response.json()` and hands back only the body, so
 * the HTTP status is lost (401 vs 404 vs 503 must be guessed from status.code), a non-JSON proxy error becomes an
 * opaque error, transport failures are logged with console.error, and it is callback-only without types. Classifying
 * retryable vs final errors needs the HTTP status, so this client does the ~same signing (telesign/signature.ts
 * builds the SDK's exact string-to-sign) over fetch; the SDK is kept as a reference and tested against the simulator.
 */

export type AuthMethod = 'basic' | 'digest';

export type TelesignErrorKind =
  | 'network'
  | 'timeout'
  | 'rate_limited'
  | 'unavailable'
  | 'invalid_request'
  | 'auth'
  | 'payment'
  | 'forbidden'
  | 'blocked'
  | 'not_found'
  | 'host_not_allowed'
  | 'redirect'
  | 'unexpected';

export class TelesignError extends Error {
  readonly httpStatus: number | null;
  readonly statusCode: number | null;
  readonly description: string;
  readonly retryable: boolean;
  readonly kind: TelesignErrorKind;
  readonly body: unknown;
  constructor(f: {
    httpStatus: number | null;
    statusCode: number | null;
    description: string;
    retryable: boolean;
    kind: TelesignErrorKind;
    body?: unknown;
  }) {
    super(`TeleSign ${f.kind}: HTTP ${f.httpStatus ?? '-'} code ${f.statusCode ?? '-'} ${f.description}`);
    this.name = 'TelesignError';
    this.httpStatus = f.httpStatus;
    this.statusCode = f.statusCode;
    this.description = f.description;
    this.retryable = f.retryable;
    this.kind = f.kind;
    this.body = f.body;
  }
}

export type SendSmsInput = {
  phoneNumber: string;
  message: string;
  messageType?: 'ARN' | 'OTP' | 'MKT';
  /** Our support number; TeleSign may override it. */
  senderId: string;
  /** Our message id: echoed in the response and every delivery report. */
  externalId: string;
  callbackUrl?: string;
};

export type SendResult = {
  httpStatus: number;
  referenceId: string;
  statusCode: number;
  statusDescription: string;
  body: Record<string, unknown>;
};

export type StatusResult = SendResult & { updatedOn: string | null };

export type TelesignClientOptions = {
  baseUrl: string;
  /** The hosts that may receive the key; checked before every request, so nothing reaches any other host. */
  allowlist: ProviderAllowlist;
  customerId: string;
  apiKey: string;
  authMethod?: AuthMethod;
  timeoutMs?: number;
  fetch?: typeof fetch;
};

type Envelope = { reference_id?: unknown; status?: { code?: unknown; description?: unknown; updated_on?: unknown } };

function toCode(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** Classifies a non-2xx answer. TeleSign says to branch on status.code; the HTTP status decides where codes are absent. */
export function classifyHttpError(
  httpStatus: number,
  statusCode: number | null,
): {
  kind: TelesignErrorKind;
  retryable: boolean;
} {
  if (statusCode === 10000 || httpStatus >= 500) return { kind: 'unavailable', retryable: true };
  if (httpStatus === 429 || statusCode === 10019 || statusCode === 10020)
    return { kind: 'rate_limited', retryable: true };
  if (statusCode !== null && SYNC_BLOCKED_CODES.has(statusCode)) return { kind: 'blocked', retryable: false };
  if (httpStatus === 401) return { kind: 'auth', retryable: false };
  if (httpStatus === 402) return { kind: 'payment', retryable: false };
  if (httpStatus === 403) return { kind: 'forbidden', retryable: false };
  if (httpStatus === 404) return { kind: 'not_found', retryable: false };
  if (httpStatus >= 400) return { kind: 'invalid_request', retryable: false };
  return { kind: 'unexpected', retryable: false };
}

export function createTelesignClient(opts: TelesignClientOptions) {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const authMethod = opts.authMethod ?? 'basic';
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const doFetch = opts.fetch ?? fetch;

  async function call(method: 'GET' | 'POST', resource: string, form?: URLSearchParams): Promise<SendResult> {
    const refusal = opts.allowlist.refusal(baseUrl);
    if (refusal) {
      throw new TelesignError({
        httpStatus: null,
        statusCode: null,
        description: refusal,
        retryable: false,
        kind: 'host_not_allowed',
      });
    }
    const body = form ? form.toString() : '';
    const headers = requestAuthHeaders({
      customerId: opts.customerId,
      apiKey: opts.apiKey,
      authMethod,
      method,
      resource,
      body,
    });
    let res: Response;
    let text: string;
    try {
      res = await doFetch(`${baseUrl}${resource}`, {
        method,
        headers: { ...headers, Accept: 'application/json' },
        body: form ? body : undefined,
        signal: AbortSignal.timeout(timeoutMs),
        // TeleSign does not redirect; following one would carry the Authorization header to wherever it points.
        redirect: 'manual',
      });
      text = await res.text();
    } catch (err) {
      const e = err as Error;
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      throw new TelesignError({
        httpStatus: null,
        statusCode: null,
        description: timedOut ? `no answer within ${timeoutMs} ms` : `${e.message}${causeOf(e)}`,
        retryable: true,
        kind: timedOut ? 'timeout' : 'network',
      });
    }
    if (res.status >= 300 && res.status < 400) {
      throw new TelesignError({
        httpStatus: res.status,
        statusCode: null,
        description: 'the host answered with a redirect, which is not followed',
        retryable: false,
        kind: 'redirect',
      });
    }
    let parsed: Envelope & Record<string, unknown>;
    try {
      const v = JSON.parse(text) as unknown;
      parsed = v && typeof v === 'object' ? (v as Envelope & Record<string, unknown>) : {};
    } catch {
      parsed = {};
    }
    const statusCode = toCode(parsed.status?.code);
    const description =
      typeof parsed.status?.description === 'string' ? parsed.status.description : text.slice(0, 200) || res.statusText;
    const referenceId = typeof parsed.reference_id === 'string' ? parsed.reference_id : '';
    if (res.status >= 200 && res.status < 300 && referenceId && statusCode !== null) {
      return { httpStatus: res.status, referenceId, statusCode, statusDescription: description, body: parsed };
    }
    // A 2xx without reference_id/status is not something TeleSign sends; the send may have happened, so not retried.
    const { kind, retryable } = classifyHttpError(res.status, statusCode);
    throw new TelesignError({ httpStatus: res.status, statusCode, description, retryable, kind, body: parsed });
  }

  return {
    async sendSms(input: SendSmsInput): Promise<SendResult> {
      const form = new URLSearchParams({
        phone_number: input.phoneNumber,
        message: input.message,
        message_type: input.messageType ?? 'ARN',
        sender_id: input.senderId,
        external_id: input.externalId,
      });
      if (input.callbackUrl) form.set('callback_url', input.callbackUrl);
      return call('POST', '/v1/messaging', form);
    },
    async getStatus(referenceId: string): Promise<StatusResult> {
      const r = await call('GET', `/v1/messaging/${encodeURIComponent(referenceId)}`);
      const s = (r.body as Envelope).status;
      return { ...r, updatedOn: typeof s?.updated_on === 'string' ? s.updated_on : null };
    },
    findByExternalId: (externalId: string) => findByExternalId(opts, externalId),
  };
}

export type TelesignClient = ReturnType<typeof createTelesignClient>;

function causeOf(e: Error): string {
  const c = (e as { cause?: { code?: string; message?: string } }).cause;
  return c ? ` (${c.code ?? c.message ?? ''})` : '';
}

/**
 * What TeleSign knows about messages sent with one external_id: `unsupported` when the host does not offer this
 * look-up (TeleSign documents only GET /v1/messaging/{reference_id}; our simulator answers
 * GET /v1/messaging?external_id=… with `{ messages: [...] }`). Anything but a 200 carrying a `messages` array counts as
 * unsupported, except transport errors and 5xx/429, which throw a retryable TelesignError like every other call.
 */
export type ExternalIdLookup =
  | { supported: true; messages: { referenceId: string; statusCode: number | null; statusDescription: string }[] }
  | { supported: false; httpStatus: number };

export async function findByExternalId(opts: TelesignClientOptions, externalId: string): Promise<ExternalIdLookup> {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  // The look-up carries the key like every other call: never to a host off the allowlist.
  const refusal = opts.allowlist.refusal(baseUrl);
  if (refusal) {
    throw new TelesignError({
      httpStatus: null,
      statusCode: null,
      description: refusal,
      retryable: false,
      kind: 'host_not_allowed',
    });
  }
  const timeoutMs = opts.timeoutMs ?? 10_000;
  // Signed over the path only, as TeleSign signs GET resources (the query string is not part of the resource).
  const resource = '/v1/messaging';
  const headers = requestAuthHeaders({
    customerId: opts.customerId,
    apiKey: opts.apiKey,
    authMethod: opts.authMethod ?? 'basic',
    method: 'GET',
    resource,
    body: '',
  });
  let res: Response;
  let text: string;
  try {
    res = await (opts.fetch ?? fetch)(`${baseUrl}${resource}?${new URLSearchParams({ external_id: externalId })}`, {
      method: 'GET',
      headers: { ...headers, Accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const e = err as Error;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    throw new TelesignError({
      httpStatus: null,
      statusCode: null,
      description: timedOut ? `no answer within ${timeoutMs} ms` : `${e.message}${causeOf(e)}`,
      retryable: true,
      kind: timedOut ? 'timeout' : 'network',
    });
  }
  let body: { messages?: unknown; status?: { code?: unknown; description?: unknown } } = {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object') body = v as typeof body;
  } catch {
    // not JSON: handled below
  }
  if (res.status >= 500 || res.status === 429) {
    const statusCode = toCode(body.status?.code);
    const { kind, retryable } = classifyHttpError(res.status, statusCode);
    throw new TelesignError({
      httpStatus: res.status,
      statusCode,
      description: typeof body.status?.description === 'string' ? body.status.description : text.slice(0, 200),
      retryable,
      kind,
      body,
    });
  }
  if (res.status !== 200 || !Array.isArray(body.messages)) return { supported: false, httpStatus: res.status };
  const messages = (body.messages as Envelope[]).flatMap((m) =>
    m && typeof m.reference_id === 'string'
      ? [
          {
            referenceId: m.reference_id,
            statusCode: toCode(m.status?.code),
            statusDescription: typeof m.status?.description === 'string' ? m.status.description : '',
          },
        ]
      : [],
  );
  return { supported: true, messages };
}

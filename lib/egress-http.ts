import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { BlockedAddressError, guardedLookup, isPublicAddress, literalAddress } from './ssrf.js';

/**
 * Outbound HTTP to URLs that admins configure (webhook bots), with the guards such URLs need: https unless the
 * operator names the host, no loopback/private/link-local/metadata address (checked on the address each connection
 * actually uses), no redirects, a response size cap and one deadline for the whole exchange. node:http is used
 * directly because its `lookup` hook and socket events make the per-connection address check possible.
 */

export type EgressErrorKind =
  | 'url_refused'
  | 'blocked_address'
  | 'redirect'
  | 'too_large'
  | 'timeout'
  | 'network'
  | 'http_status';

export class EgressError extends Error {
  constructor(
    readonly kind: EgressErrorKind,
    message: string,
    /** Worth another attempt later (network trouble, timeout, 5xx); policy refusals never are. */
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'EgressError';
  }
}

/** Hosts the operator trusts (BOT_ALLOWED_HOSTS): `name`, `name:port`, `10.0.0.5`, `[::1]:8080`, lowercased. */
export type AllowedHosts = readonly string[];

const isNamed = (url: URL, allowed: AllowedHosts) =>
  allowed.includes(url.hostname.toLowerCase()) || allowed.includes(url.host.toLowerCase());

/** Null when the URL may be called; else why not (also the API's 422 message at save time). */
export function webhookUrlRefusal(raw: string, allowed: AllowedHosts): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute https URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL';
  if (url.username || url.password || raw.includes('@')) return 'must not contain user info (@)';
  if (raw.includes('#')) return 'must not contain a fragment (#)';
  if (isNamed(url, allowed)) return null;
  if (url.protocol !== 'https:') return 'must use https (plain http only for hosts listed in BOT_ALLOWED_HOSTS)';
  const literal = literalAddress(url.hostname);
  if (literal && !isPublicAddress(literal)) {
    return `must not point at a loopback, private, link-local or metadata address (${literal}) unless BOT_ALLOWED_HOSTS names it`;
  }
  const name = url.hostname.toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) {
    return 'must not point at localhost unless BOT_ALLOWED_HOSTS names it';
  }
  return null;
}

export type PostJsonOptions = {
  headers?: Record<string, string>;
  timeoutMs: number;
  maxResponseBytes: number;
  allowedHosts: AllowedHosts;
};

export type PostJsonResult = { status: number; body: Buffer };

/** POSTs `body` as JSON; resolves with a 2xx answer, rejects with an EgressError for everything else. */
export function postJson(rawUrl: string, body: string, opts: PostJsonOptions): Promise<PostJsonResult> {
  const refusal = webhookUrlRefusal(rawUrl, opts.allowedHosts);
  if (refusal) return Promise.reject(new EgressError('url_refused', `URL ${refusal}`, false));
  const url = new URL(rawUrl);
  const guarded = !isNamed(url, opts.allowedHosts);
  const client = url.protocol === 'https:' ? https : http;

  return new Promise<PostJsonResult>((resolve, reject) => {
    let settled = false;
    const finish = (err: EgressError | null, result?: PostJsonResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(result!);
    };
    const deadline = setTimeout(
      () => finish(new EgressError('timeout', `no complete answer within ${opts.timeoutMs} ms`, true)),
      opts.timeoutMs,
    );
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...opts.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        // A fresh connection per call: every connection passes the address check, none is reused unchecked.
        agent: false,
        ...(guarded ? { lookup: guardedLookup as never } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          return finish(new EgressError('redirect', `answered ${status} (redirects are not followed)`, false, status));
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > opts.maxResponseBytes) {
          return finish(
            new EgressError('too_large', `answer of ${declared} bytes exceeds ${opts.maxResponseBytes}`, false),
          );
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > opts.maxResponseBytes) {
            finish(new EgressError('too_large', `answer exceeds ${opts.maxResponseBytes} bytes`, false));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          if (status < 200 || status >= 300) {
            return finish(
              new EgressError('http_status', `answered HTTP ${status}`, status >= 500 || status === 429, status),
            );
          }
          finish(null, { status, body: Buffer.concat(chunks) });
        });
        res.on('error', (e) => finish(new EgressError('network', e.message, true)));
      },
    );
    if (guarded) {
      // The lookup hook is skipped for IP literals; checking the connected peer covers them and any other path.
      req.on('socket', (socket: Socket) => {
        socket.once('connect', () => {
          const peer = socket.remoteAddress ?? '';
          if (!isPublicAddress(peer)) finish(blocked(new BlockedAddressError(url.hostname, peer)));
        });
      });
    }
    req.on('error', (e: Error) => {
      if (e instanceof BlockedAddressError) return finish(blocked(e));
      finish(new EgressError('network', `${(e as NodeJS.ErrnoException).code ?? e.message}`, true));
    });
    req.end(body);
  });
}

const blocked = (e: BlockedAddressError) =>
  new EgressError('blocked_address', `${e.message}; BOT_ALLOWED_HOSTS may name it`, false);

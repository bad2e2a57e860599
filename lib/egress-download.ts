import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { ProviderAllowlist } from './egress-allowlist.js';
import { EgressError } from './egress-http.js';
import { BlockedAddressError, guardedLookup, isPublicAddress } from './ssrf.js';

/**
 * Downloads of media TeleSign points us at (MMS-style callbacks). Only TeleSign's hosts may be fetched from: the
 * provider allowlist (TeleSign's REST hosts, TELESIGN_BASE_URL, TELESIGN_ALLOWED_HOSTS) and https hosts under
 * telesign.com; the latter are checked against private addresses on the connection they actually use. No redirects,
 * one deadline, a size cap; the body is handed over as a stream, never buffered whole.
 */

/** TeleSign's own domain: media may sit on a host other than the REST hosts (it is not documented which). */
const TELESIGN_DOMAIN = /(^|\.)telesign\.com$/i;

/** Null when `raw` may be fetched; else why not. `guarded`: the address must be checked on connect. */
export function mediaUrlRefusal(
  raw: string,
  allowlist: ProviderAllowlist,
): { refusal: string | null; guarded: boolean } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { refusal: 'is not a URL', guarded: false };
  }
  if (url.username || url.password) return { refusal: 'must not contain user info', guarded: false };
  if (allowlist.refusal(url.origin) === null) return { refusal: null, guarded: false };
  if (url.protocol === 'https:' && TELESIGN_DOMAIN.test(url.hostname)) return { refusal: null, guarded: true };
  return {
    refusal: `host ${url.origin} is not a TeleSign host (allowed: ${[...allowlist.origins].join(', ')}, https://*.telesign.com)`,
    guarded: false,
  };
}

export type Download = { body: http.IncomingMessage; contentType: string | null; declaredLength: number | null };

/** GETs `raw`; resolves once a 2xx answer's headers are in. The caller reads (or destroys) the body. */
export function download(
  raw: string,
  opts: { allowlist: ProviderAllowlist; timeoutMs: number; maxBytes: number; headers?: Record<string, string> },
): Promise<Download> {
  const { refusal, guarded } = mediaUrlRefusal(raw, opts.allowlist);
  if (refusal) return Promise.reject(new EgressError('url_refused', `media URL ${refusal}`, false));
  const url = new URL(raw);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Download>((resolve, reject) => {
    let settled = false;
    const fail = (err: EgressError) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(err);
    };
    const req = client.request(
      url,
      {
        method: 'GET',
        headers: opts.headers ?? {},
        agent: false,
        timeout: opts.timeoutMs,
        ...(guarded ? { lookup: guardedLookup as never } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          res.resume();
          return fail(
            new EgressError(
              status >= 300 && status < 400 ? 'redirect' : 'http_status',
              `answered HTTP ${status}`,
              status >= 500 || status === 429,
              status,
            ),
          );
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > opts.maxBytes) {
          res.resume();
          return fail(new EgressError('too_large', `media of ${declared} bytes exceeds ${opts.maxBytes}`, false));
        }
        settled = true;
        // The deadline covers the whole body too.
        const deadline = setTimeout(
          () => res.destroy(new EgressError('timeout', `no complete answer within ${opts.timeoutMs} ms`, true)),
          opts.timeoutMs,
        );
        res.once('close', () => clearTimeout(deadline));
        resolve({
          body: res,
          contentType: typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : null,
          declaredLength: Number.isFinite(declared) ? declared : null,
        });
      },
    );
    req.on('timeout', () => fail(new EgressError('timeout', `no answer within ${opts.timeoutMs} ms`, true)));
    if (guarded) {
      req.on('socket', (socket: Socket) => {
        socket.once('connect', () => {
          const peer = socket.remoteAddress ?? '';
          if (!isPublicAddress(peer)) fail(new EgressError('blocked_address', `${url.hostname} is ${peer}`, false));
        });
      });
    }
    req.on('error', (e: Error) => {
      if (e instanceof BlockedAddressError) return fail(new EgressError('blocked_address', e.message, false));
      fail(new EgressError('network', `${(e as NodeJS.ErrnoException).code ?? e.message}`, true));
    });
    req.end();
  });
}

import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { ProblemError } from '../../lib/problem.js';

/**
 * The webhook's request, read without building a WHATWG Request: on @hono/node-server, `c.req.raw.body` or
 * `c.req.raw.headers` turn the lightweight request into a full Request with a web stream and a Headers copy, which
 * cost more CPU than the rest of the ack. Headers come from node's own (already lower-cased) object, and a body with a
 * Content-Length is read through node-server's buffered fast path. Elsewhere (app.request in tests, other runtimes)
 * the standard Request is used.
 */
export type WebhookRequest = { headers: IncomingHttpHeaders | Headers; bytes: Uint8Array };

const incomingOf = (c: Context): IncomingMessage | undefined =>
  (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;

/** A header's value from either source (node's object or a Headers). */
export function headerOf(headers: IncomingHttpHeaders | Headers, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The raw body, at most `maxSize` bytes, else 413 problem+json: refused from the Content-Length before reading
 * anything, or, for a chunked body, as soon as it passes the limit (as hono/body-limit does).
 */
export async function readWebhookBody(c: Context, maxSize: number): Promise<WebhookRequest> {
  const incoming = incomingOf(c);
  const headers = incoming?.headers ?? c.req.raw.headers;
  const tooLarge = () => new ProblemError(413, `the body is larger than ${maxSize} bytes`);
  const length = headerOf(headers, 'content-length');
  if (length !== undefined && headerOf(headers, 'transfer-encoding') === undefined) {
    if (Number.parseInt(length, 10) > maxSize) throw tooLarge();
    // node's parser delivers exactly Content-Length bytes; the fast path reads them from the socket as one Buffer.
    return { headers, bytes: new Uint8Array(await c.req.arrayBuffer()) };
  }
  const body = c.req.raw.body;
  if (!body) return { headers, bytes: new Uint8Array(0) };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxSize) {
      void reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return { headers, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) };
}

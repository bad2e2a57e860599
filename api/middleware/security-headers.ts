import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Config } from '../../config/env.js';

/**
 * Browser hardening headers on every response (pages, API answers, errors). Our pages load only same-origin files:
 * no inline script or style, no framing, no plugins, forms post only to us. HSTS only when the public URL is https,
 * since sending it over plain http would be ignored at best and would pin a test host at worst.
 */
type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;

const strictCsp = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
} satisfies SecureHeadersOptions['contentSecurityPolicy'];

export function securityHeaders(config: Pick<Config, 'PUBLIC_BASE_URL'>): MiddlewareHandler {
  const https = config.PUBLIC_BASE_URL.startsWith('https:');
  const common = {
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
    strictTransportSecurity: https ? 'max-age=31536000; includeSubDomains' : false,
  } satisfies Partial<SecureHeadersOptions>;
  // One policy for every page, the Swagger UI docs included (it styles through the CSSOM, which the CSP allows).
  const pages = secureHeaders({ ...common, contentSecurityPolicy: strictCsp });
  // Stored files: nothing may run or load, even if a browser rendered one (attachments are checked by content too).
  const files = secureHeaders({ ...common, contentSecurityPolicy: fileCsp });
  return (c, next) => (FILE_PATH.test(c.req.path) ? files(c, next) : pages(c, next));
}

/** Attachment downloads (api/resources/attachments/serve-file.ts). */
const FILE_PATH = /^\/api\/v1\/(attachments|public\/files)\/[^/]+\/content$/;

const fileCsp = {
  defaultSrc: ["'none'"],
  imgSrc: ["'self'"],
  mediaSrc: ["'self'"],
  sandbox: [],
  frameAncestors: ["'none'"],
} satisfies SecureHeadersOptions['contentSecurityPolicy'];

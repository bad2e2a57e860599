/**
 * Which origins may receive the TeleSign API key. The key must never reach a host an admin merely typed in: an
 * account's `restEndpoint` is checked against this list when it is saved, when it is validated, and again by the REST
 * client before every request (so a host later dropped from the list stops receiving the key at once).
 *
 * The list is TeleSign's published REST hosts (https only), the operator's TELESIGN_BASE_URL, and the entries of
 * TELESIGN_ALLOWED_HOSTS. An entry is a host (`rest-eu.example.com`, https implied), a host with port, or a full
 * origin with its scheme (`http://127.0.0.1:4010`): plain http is allowed only for an origin written out with it.
 */

/** TeleSign's REST hosts (docs/domain.md, "Hosts"): enterprise and self-service. */
export const TELESIGN_PUBLISHED_HOSTS = ['rest-ww.telesign.com', 'rest-api.telesign.com'] as const;

export type OriginCheck = { ok: true; origin: string } | { ok: false; reason: string };

/**
 * An endpoint must be an origin and nothing else: scheme, host and optional port. A path, query, fragment or user
 * info is refused rather than dropped (each has been used to point a "host" at an arbitrary internal URL), and so is
 * any spelling that the URL parser would rewrite (`http://0x7f000001` is 127.0.0.1 in disguise). Trailing slashes
 * and letter case are the only normalisation.
 */
export function parseOrigin(raw: string, schemes: readonly string[] = ['https:', 'http:']): OriginCheck {
  if (/[\s#?@\\]/.test(raw)) {
    return { ok: false, reason: 'must be an origin (scheme://host[:port]) without spaces, #, ?, @ or \\' };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'must be a URL such as https://rest-ww.telesign.com' };
  }
  if (!schemes.includes(url.protocol)) {
    return { ok: false, reason: `must use ${schemes.map((s) => s.slice(0, -1)).join(' or ')}` };
  }
  const written = raw.replace(/\/+$/, '').toLowerCase();
  if (url.origin === 'null' || written !== url.origin) {
    return {
      ok: false,
      reason: `must be written as an origin with no path, e.g. ${url.origin === 'null' ? 'https://rest-ww.telesign.com' : url.origin}`,
    };
  }
  return { ok: true, origin: url.origin };
}

/** `http://127.0.0.1:*`: any port on this machine (local simulators on random ports); loopback hosts only. */
const LOOPBACK_ANY_PORT = /^(https?):\/\/(127\.0\.0\.1|localhost|\[::1\]):\*$/i;

/** One TELESIGN_ALLOWED_HOSTS entry → an origin (https unless the entry names its scheme). */
export function allowlistEntryOrigin(entry: string): OriginCheck {
  const e = entry.trim();
  if (!e) return { ok: false, reason: 'is empty' };
  if (LOOPBACK_ANY_PORT.test(e)) return { ok: true, origin: e.toLowerCase() };
  if (e.includes('*'))
    return { ok: false, reason: 'may use * only as the port of a loopback origin (http://127.0.0.1:*)' };
  return parseOrigin(/^[a-z][a-z0-9+.-]*:\/\//i.test(e) ? e : `https://${e}`);
}

/** Parses a comma-separated list; the first bad entry is reported (config/env.ts turns it into a start-up error). */
export function parseAllowlist(value: string | undefined): { origins: string[]; error?: string } {
  const origins: string[] = [];
  for (const entry of (value ?? '').split(',')) {
    if (!entry.trim()) continue;
    const r = allowlistEntryOrigin(entry);
    if (!r.ok) return { origins, error: `entry "${entry.trim()}" ${r.reason}` };
    origins.push(r.origin);
  }
  return { origins };
}

export type ProviderAllowlist = {
  readonly origins: ReadonlySet<string>;
  /** Null when the endpoint may receive the key, else why not (for a 422, a log line or a validate reason). */
  refusal(endpoint: string): string | null;
};

export function createProviderAllowlist(origins: Iterable<string>): ProviderAllowlist {
  const set = new Set(origins);
  return {
    origins: set,
    refusal(endpoint) {
      const parsed = parseOrigin(endpoint);
      if (!parsed.ok) return parsed.reason;
      const url = new URL(parsed.origin);
      if (!set.has(parsed.origin) && !set.has(`${url.protocol}//${url.hostname}:*`)) {
        return `host ${parsed.origin} is not an allowed TeleSign host (allowed: ${[...set].join(', ')}; TELESIGN_ALLOWED_HOSTS adds more)`;
      }
      return null;
    },
  };
}

/** The allowlist a process uses, from its parsed config. */
export function providerAllowlistFromConfig(config: {
  TELESIGN_BASE_URL: string;
  TELESIGN_ALLOWED_HOSTS?: readonly string[] | undefined;
}): ProviderAllowlist {
  const base = parseOrigin(config.TELESIGN_BASE_URL);
  return createProviderAllowlist([
    ...TELESIGN_PUBLISHED_HOSTS.map((h) => `https://${h}`),
    ...(base.ok ? [base.origin] : []),
    ...(config.TELESIGN_ALLOWED_HOSTS ?? []),
  ]);
}

import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import type { Config } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import { ProblemError } from '../../lib/problem.js';

/*
 * Rate limits shared by every API replica: fixed-window counters in the rate_limits table, one upsert per check, so
 * N replicas together allow N× nothing. Failed credentials are counted per client address and per token prefix
 * (a distributed guess at one token hits the second); authenticated requests per user. A valid credential is never
 * refused for an address's failures (a shared NAT must not lock its honest users out; a 256-bit token is not
 * guessed at 10 a minute). The TeleSign webhook never passes through here.
 */

export type RateLimitDeps = {
  db: Pick<Db, 'execute'>;
  config: Pick<
    Config,
    'TRUST_PROXY' | 'AUTH_FAILURE_LIMIT' | 'AUTH_FAILURE_WINDOW_SECONDS' | 'API_RATE_LIMIT_PER_MINUTE'
  >;
};

/** Characters of a presented token that key the per-prefix limit (our tokens start `sd_` + random). */
export const TOKEN_PREFIX_LENGTH = 8;
/** Share of failure checks that also delete counters whose window passed long ago. */
const SWEEP_PROBABILITY = 0.01;

/**
 * The client's address: the socket's, or with TRUST_PROXY=n the n-th entry from the right of X-Forwarded-For (the
 * one our nearest trusted proxy appended); entries further left are the client's own claims and never trusted.
 */
export function clientAddress(c: Context, trustProxyHops: number): string {
  const env = c.env as { incoming?: IncomingMessage; server?: { incoming?: IncomingMessage } } | undefined;
  const incoming = env?.server?.incoming ?? env?.incoming;
  const socket = incoming?.socket?.remoteAddress ?? 'unknown';
  if (trustProxyHops <= 0) return socket;
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return hops[hops.length - trustProxyHops] ?? hops[0] ?? socket;
}

/** The per-prefix key never stores token characters in clear. */
export const tokenPrefixKey = (presented: string) =>
  createHash('sha256').update(presented.slice(0, TOKEN_PREFIX_LENGTH)).digest('hex').slice(0, 24);

export type Hit = { key: string; hits: number; retryAfterSeconds: number };

/** Adds one hit to each key (one statement, keys in a fixed order so concurrent upserts cannot deadlock). */
export async function hit(db: RateLimitDeps['db'], keys: string[], windowSeconds: number): Promise<Hit[]> {
  const sorted = [...new Set(keys)].sort();
  const values = sql.join(
    sorted.map((k) => sql`(${k}, 1, now() + make_interval(secs => ${windowSeconds}))`),
    sql`, `,
  );
  const rows = (await db.execute(sql`
    insert into rate_limits (key, hits, reset_at) values ${values}
    on conflict (key) do update set
      hits = case when rate_limits.reset_at <= now() then 1 else rate_limits.hits + 1 end,
      reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end
    returning key, hits, greatest(1, ceil(extract(epoch from (reset_at - now()))))::int as retry_after`)) as unknown as {
    key: string;
    hits: number;
    retry_after: number;
  }[];
  return rows.map((r) => ({ key: r.key, hits: Number(r.hits), retryAfterSeconds: Number(r.retry_after) }));
}

/** 429 problem+json with Retry-After (seconds). */
export function tooManyRequests(c: Context, retryAfterSeconds: number, detail: string): ProblemError {
  c.header('Retry-After', String(retryAfterSeconds));
  return new ProblemError(429, detail, undefined, { retryAfter: retryAfterSeconds }, 'rate-limited');
}

/**
 * Records a failed credential (bearer token or sign-in) and throws 429 once the address or the token prefix is over
 * its limit; otherwise returns and the caller answers 401 as usual.
 */
export async function recordAuthFailure(deps: RateLimitDeps, c: Context, presented: string): Promise<void> {
  const { AUTH_FAILURE_LIMIT: limit, AUTH_FAILURE_WINDOW_SECONDS: window } = deps.config;
  const keys = [`auth-fail:ip:${clientAddress(c, deps.config.TRUST_PROXY)}`];
  if (presented) keys.push(`auth-fail:prefix:${tokenPrefixKey(presented)}`);
  const hits = await hit(deps.db, keys, window);
  if (Math.random() < SWEEP_PROBABILITY) {
    deps.db.execute(sql`delete from rate_limits where reset_at < now() - interval '1 hour'`).catch(() => {});
  }
  const over = hits.filter((h) => h.hits > limit);
  if (over.length) {
    throw tooManyRequests(
      c,
      Math.max(...over.map((h) => h.retryAfterSeconds)),
      `too many failed sign-in attempts; retry after ${Math.max(...over.map((h) => h.retryAfterSeconds))} s`,
    );
  }
}

/** Counts one authenticated API request for the user; 429 beyond API_RATE_LIMIT_PER_MINUTE. */
export async function countApiRequest(deps: RateLimitDeps, c: Context, userId: string): Promise<void> {
  const [h] = await hit(deps.db, [`api:${userId}`], 60);
  if (h && h.hits > deps.config.API_RATE_LIMIT_PER_MINUTE) {
    throw tooManyRequests(
      c,
      h.retryAfterSeconds,
      `more than ${deps.config.API_RATE_LIMIT_PER_MINUTE} requests a minute for this token; retry after ${h.retryAfterSeconds} s`,
    );
  }
}

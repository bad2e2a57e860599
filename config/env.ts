import { z } from 'zod';
import { parseAllowlist, parseOrigin } from '../lib/egress-allowlist.js';

/**
 * The one place environment variables are read. Entry points call `loadConfig()` once and pass the result down;
 * nothing else touches process.env, so a bad value fails at start-up with the variable's name, never mid-request.
 */

const base64Key32 = z
  .string()
  .refine(
    (v) => Buffer.from(v, 'base64').length === 32,
    'must be 32 bytes encoded as base64 (openssl rand -base64 32)',
  );

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const hostPort = z.string().regex(/^[^:\s]+:\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:9464');

const boolish = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    PUBLIC_BASE_URL: url.optional(),
    DATABASE_URL: z
      .string({ error: 'is required (a postgres:// connection string)' })
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://'),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
    TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('smsdesk'),
    TEMPORAL_API_KEY: z.string().min(1).optional(),
    TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
    TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
    TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
    TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
    TEMPORAL_UI_URL: url.default('http://localhost:8233'),
    TELESIGN_BASE_URL: url
      .default('https://rest-ww.telesign.com')
      .superRefine((v, ctx) => {
        const r = parseOrigin(v);
        if (!r.ok) ctx.addIssue({ code: 'custom', message: r.reason });
      })
      .transform((v) => v.replace(/\/+$/, '')),
    /**
     * More hosts that may receive the TeleSign API key (besides TeleSign's published REST hosts and
     * TELESIGN_BASE_URL): comma-separated hosts (https implied) or origins with a scheme, e.g. http://127.0.0.1:4010.
     */
    TELESIGN_ALLOWED_HOSTS: z
      .string()
      .default('')
      .transform((v, ctx) => {
        const r = parseAllowlist(v);
        if (r.error) ctx.addIssue({ code: 'custom', message: r.error });
        return r.origins;
      }),
    /**
     * Webhook-bot hosts allowed although they are plain http or resolve to a loopback/private/link-local address:
     * comma-separated host names or IP addresses, optionally with :port (e.g. 127.0.0.1:8080, bots.internal).
     */
    BOT_ALLOWED_HOSTS: z
      .string()
      .default('')
      .transform((v, ctx) => {
        const hosts = v
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean);
        const bad = hosts.find((h) => !/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(h));
        if (bad)
          ctx.addIssue({ code: 'custom', message: `entry "${bad}" must be a host name or IP, optionally :port` });
        return hosts;
      }),
    ENCRYPTION_KEY: base64Key32,
    ENCRYPTION_KEY_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, _ or -')
      .default('k1'),
    /** Older keys kept for decryption during rotation: "id1:base64,id2:base64". */
    ENCRYPTION_OLD_KEYS: z
      .string()
      .regex(
        /^([A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=]+)(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=]+)*$/,
        'must be id:base64key[,id:base64key…]',
      )
      .optional(),
    BOOTSTRAP_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    INBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
    /** An MO handed over this long ago without a transcript row is handed over again (the sweeper). */
    INBOX_SWEEP_AFTER_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    /** Retention: inbox payloads (raw body, JSON) and delivery-status events are kept this long. */
    RETENTION_PAYLOAD_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /**
     * Retention: inbox rows themselves (their dedup key, so a late TeleSign retry is still recognised) are kept this
     * long, then deleted. Must be at least RETENTION_PAYLOAD_DAYS.
     */
    RETENTION_INBOX_ROW_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
    /** Retention: live events (the SSE outbox; clients resume from it only for minutes) are kept this long. */
    RETENTION_EVENTS_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    WEBHOOK_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(64 * 1024),
    OTEL_EXPORTER_OTLP_ENDPOINT: url.optional(),
    /** Worker: host:port where the Temporal SDK exposes its Prometheus metrics. */
    TEMPORAL_METRICS_BIND: hostPort.optional(),
    /** Worker: host:port for this process's own metrics (smsdesk_sends_total, Node process metrics). */
    WORKER_METRICS_BIND: hostPort.optional(),
    /** Worker: how long SIGTERM lets running activities finish (orchestrators kill after 30 s). */
    WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(25).default(20),
    /**
     * Worker: conversations kept in memory between their workflow tasks (sticky cache). Each costs memory; an evicted
     * one replays its history on its next task (CPU). docs/performance.md has the measured trade-off.
     */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(1).max(100_000).default(500),
    /** Worker: a prebuilt workflow bundle elsewhere than dist/workflow-bundle.js. */
    TEMPORAL_WORKFLOW_BUNDLE: z.string().min(1).optional(),
    METRICS_ENABLED: boolish.default(true),
    /**
     * Proxies in front of the API that append to X-Forwarded-For: `false`/`0` (the socket address is the client),
     * `true` (one), or a hop count. Only then is X-Forwarded-For read, counting hops from its right end.
     */
    TRUST_PROXY: z
      .union([boolish, z.coerce.number().int().min(0).max(10)])
      .transform((v) => (v === true ? 1 : v === false ? 0 : v))
      .default(0),
    /** Failed bearer tokens or sign-ins allowed per client address, and per token prefix, within the window. */
    AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).default(10),
    AUTH_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    /** Authenticated API requests allowed per user (token or session) per minute. */
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
    /** Open event streams one user may hold on one API process. */
    SSE_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).default(8),
    /** Last-Event-ID replay serves at most this many events, none older than the age; beyond it the client resyncs. */
    SSE_REPLAY_MAX_EVENTS: z.coerce.number().int().min(1).default(1000),
    SSE_REPLAY_MAX_AGE_SECONDS: z.coerce.number().int().min(1).default(3600),
    /** How often an open event stream re-checks its token or session (a revoked one ends the stream). */
    SSE_AUTH_RECHECK_SECONDS: z.coerce.number().int().min(1).default(30),
    /** Attachments (docs/operations.md, "Attachments"): largest file an agent or customer may send. */
    ATTACHMENT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    /** Attachments: how long a download link sent to a customer works. */
    ATTACHMENT_LINK_DAYS: z.coerce.number().int().min(1).max(90).default(7),
    /** Attachments: how long a single-use upload link ("Request a file") works. */
    ATTACHMENT_UPLOAD_LINK_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(24),
    /** Attachments: files are deleted this many days after their conversation closed. */
    ATTACHMENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /** Attachments: requests per client address per minute on the public link pages (download and upload). */
    ATTACHMENT_LINK_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  })
  .refine((e) => e.RETENTION_INBOX_ROW_DAYS >= e.RETENTION_PAYLOAD_DAYS, {
    path: ['RETENTION_INBOX_ROW_DAYS'],
    message: 'must be at least RETENTION_PAYLOAD_DAYS (the dedup key outlives the payload)',
  })
  .transform((e) => ({
    ...e,
    PUBLIC_BASE_URL: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
  }));

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError naming every bad or missing variable. Empty strings count as unset. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => ({
        variable: String(i.path[0] ?? '(root)'),
        message: i.code === 'invalid_type' && i.input === undefined ? 'is required' : i.message,
      })),
    );
  }
  return result.data;
}

/** For entry points: parse or print the problem and exit 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

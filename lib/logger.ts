import { type Logger, pino } from 'pino';

/**
 * Secrets must never reach a log line. Redaction is by key name wherever the key appears, so a secret nested in a
 * request body or an error's details is censored too.
 */
export const REDACTED_KEYS = [
  'apiKey',
  'api_key',
  'authorization',
  'Authorization',
  'x-ts-authorization',
  'token',
  'secret',
  'password',
  'cookie',
  'ENCRYPTION_KEY',
  'BOOTSTRAP_ADMIN_TOKEN',
];

const paths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

/**
 * A failed query's error (drizzle's DrizzleQueryError) carries the statement's parameters in its message, stack and
 * `params`; a PostgreSQL error's `detail` can quote a key's value. Both may be secrets or token hashes, so an error
 * is logged with the statement text and `params: [redacted]`. Applies to `err` and `error` (Temporal's runtime logger).
 */
const FAILED_QUERY = /^Failed query: [\s\S]*?\nparams: /;

export function serializeError(err: unknown): unknown {
  const out = pino.stdSerializers.err(err as Error) as unknown;
  if (!out || typeof out !== 'object' || out === err) return out;
  const o = out as Record<string, unknown>;
  let e = err as { message?: unknown; cause?: unknown; name?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 10; depth++, e = e.cause as typeof e) {
    const message = typeof e.message === 'string' ? e.message : '';
    const head = FAILED_QUERY.exec(message)?.[0];
    if (head) {
      const safe = `${head}[redacted]`;
      for (const k of ['message', 'stack'] as const) {
        if (typeof o[k] === 'string') o[k] = (o[k] as string).split(message).join(safe);
      }
    }
  }
  for (const k of ['params', 'parameters', 'args']) if (k in o) o[k] = '[redacted]';
  if (o.type === 'PostgresError' && 'detail' in o) o.detail = '[redacted]';
  return out;
}

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths, censor: '[redacted]' },
      base: { service: 'smsdesk' },
      serializers: { err: serializeError, error: serializeError },
    },
    destination,
  );
}

export type { Logger };

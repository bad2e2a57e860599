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

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths, censor: '[redacted]' }, base: { service: 'smsdesk' } }, destination);
}

export type { Logger };

/**
 * The SSE `id` a client echoes back as Last-Event-ID. Event ids are committed out of order, so "the highest id I saw"
 * alone can skip an event that committed later with a lower id; the token also lists those still-pending lower ids:
 * `"<max>"` or `"<max>~<id>.<id>…"`. A plain event id (e.g. from another client) is a valid token.
 */
export type ResumeToken = { max: number; missing: number[] };

const MAX_MISSING = 50;

export function formatResumeToken(max: number, missing: number[]): string {
  const below = missing.filter((id) => id < max).slice(-MAX_MISSING);
  return below.length ? `${max}~${below.join('.')}` : String(max);
}

export function parseResumeToken(value: string | undefined | null): ResumeToken | null {
  if (!value) return null;
  const match = /^(\d{1,15})(?:~(\d{1,15}(?:\.\d{1,15}){0,99}))?$/.exec(value.trim());
  if (!match) return null;
  return { max: Number(match[1]), missing: match[2] ? match[2].split('.').map(Number) : [] };
}

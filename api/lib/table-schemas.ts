import { z } from '@hono/zod-openapi';
import { createSchemaFactory } from 'drizzle-zod';

/**
 * Response schemas derived from the drizzle tables (drizzle-zod), so a column's type, enum and nullability are
 * written once, in db/schema. Built on @hono/zod-openapi's `z` so the results take `.openapi(...)`. Resources pick
 * the columns they show, replace what leaves the API in another form (timestamps, JSON columns) and extend with what
 * they join in.
 */
export const { createSelectSchema } = createSchemaFactory({ zodInstance: z });

/** Timestamps leave the API as ISO 8601 strings (views call toISOString). */
export const isoTimestamp = z.string().openapi({ format: 'date-time' });

/** A row as JSON shows it: each Date becomes its ISO 8601 string, the rest stays. */
export type JsonRow<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

/**
 * The answer for a row whose response schema is derived from its table (createSelectSchema with `isoTimestamp`):
 * every column, timestamps as ISO strings. Only for tables with nothing to hide (no token hashes, no ciphertexts).
 */
export function jsonRow<T extends object>(row: T): JsonRow<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Date ? v.toISOString() : v;
  return out as JsonRow<T>;
}

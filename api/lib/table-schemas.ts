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

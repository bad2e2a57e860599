import { z } from 'zod';
import { runMigrations } from './migrate.js';

// Production entry point: needs only DATABASE_URL, so it can run as a one-shot job before the API and the worker start.
const parsed = z.object({ DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//) }).safeParse(process.env);
if (!parsed.success) {
  console.error('Invalid configuration:\n  DATABASE_URL: is required (a postgres:// connection string)');
  process.exit(1);
}
await runMigrations(parsed.data.DATABASE_URL);
console.log('migrations applied');

import { OpenAPIHono } from '@hono/zod-openapi';
import { fieldsProblem, validationProblem } from '../lib/problem.js';
import { findUnsafeStrings } from '../lib/text-safety.js';
import type { AppEnv } from './deps.js';

/** How each validation target is named in a problem's field paths (OpenAPI's `in`). */
const WHERE: Record<string, string> = { json: 'body', form: 'body', query: 'query', param: 'path' };

/**
 * Every API router validates with the same hook, so a bad input always becomes a 422 naming field and rule. The hook
 * also runs on success: no string that PostgreSQL cannot store (NUL, lone surrogates; lib/text-safety.ts) gets past
 * validation into a query, whatever the route's schema says.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      const where = WHERE[result.target] ?? result.target;
      if (!result.success) {
        // The validator passes the raw input along on failure too; name its unsafe strings in the same answer.
        const input = (result as { data?: unknown }).data;
        throw validationProblem(result.error.issues, findUnsafeStrings(input, where));
      }
      const unsafe = findUnsafeStrings(result.data, where);
      if (unsafe.length > 0) throw fieldsProblem(unsafe);
    },
  });
}

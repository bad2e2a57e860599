import { OpenAPIHono } from '@hono/zod-openapi';
import { validationProblem } from '../lib/problem.js';
import type { AppEnv } from './deps.js';

/** Every API router validates with the same hook, so a bad input always becomes a 422 naming field and rule. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error.issues);
    },
  });
}

import { z } from '@hono/zod-openapi';

/** The RFC 9457 problem body (lib/problem.ts) as an OpenAPI schema, shared by every router's error responses. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** 429 from the rate limits: problem+json plus Retry-After (seconds), which clients should wait before retrying. */
export const rateLimitedResponse = {
  description: 'Rate limited (failed credentials or requests per token); retry after Retry-After seconds',
  headers: {
    'Retry-After': {
      description: 'Seconds to wait before retrying',
      schema: { type: 'integer' as const, minimum: 0 },
    },
  },
  content: { 'application/problem+json': { schema: ProblemSchema } },
};

/**
 * What every bearer-protected operation can answer besides its own outcomes: the authentication middleware (401),
 * role/ownership and the cookie CSRF rule (403), the body limit (413), validation of path, query or body (422) and
 * the rate limits (429). Declared once here so no route can forget one.
 */
export const protectedProblemResponses = {
  401: problemResponse('No bearer token, or one that is unknown or revoked (or an expired browser session)'),
  403: problemResponse(
    'Your role or ownership does not allow this (or a cookie-authenticated write lacks the CSRF header)',
  ),
  413: problemResponse('Request body larger than this operation accepts'),
  422: problemResponse('Validation failed; detail and errors name each field and rule'),
  429: rateLimitedResponse,
} as const;

/** Operations with a JSON body can also answer these before validation runs. */
export const bodyProblemResponses = {
  400: problemResponse('Malformed JSON body'),
  415: problemResponse('The body is not application/json'),
} as const;

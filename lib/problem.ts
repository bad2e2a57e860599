import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** RFC 9457 problem details, the only error shape the API returns. */
export type ProblemField = { path: string; message: string };
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: ProblemField[];
  [extra: string]: unknown;
};

const TITLES: Record<number, string> = {
  400: 'Malformed request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Validation failed',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** Thrown anywhere in a request; the app's error handler renders it. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors?: ProblemField[],
    readonly extra: Record<string, unknown> = {},
    readonly typeSlug?: string,
  ) {
    super(detail);
    this.name = 'ProblemError';
  }

  toProblem(): Problem {
    const title = TITLES[this.status] ?? 'Error';
    return {
      type: `https://smsdesk.dev/problems/${this.typeSlug ?? title.toLowerCase().replace(/\s+/g, '-')}`,
      title,
      status: this.status,
      detail: this.detail,
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export function problemResponse(c: Context, err: ProblemError): Response {
  return c.json(err.toProblem(), err.status as ContentfulStatusCode, { 'Content-Type': 'application/problem+json' });
}

/** Turns zod issues (and any further field findings) into a 422 naming each field and rule. */
export function validationProblem(
  issues: readonly { path: PropertyKey[]; message: string }[],
  more: readonly ProblemField[] = [],
): ProblemError {
  const errors = issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
  return fieldsProblem([...errors, ...more]);
}

/** A 422 whose detail lists every field and the rule it breaks. */
export function fieldsProblem(errors: ProblemField[]): ProblemError {
  const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  return new ProblemError(422, detail, errors);
}

export const notFound = (what: string, id: string) => new ProblemError(404, `${what} ${id} does not exist`);

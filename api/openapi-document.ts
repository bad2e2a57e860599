import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from './deps.js';
import { problemResponse } from './problem-schema.js';
import { BEARER_AUTH, bearerSecurity, publicRoute } from './route-contract.js';

/**
 * The OpenAPI 3.1 document at /api/v1/openapi.json. Operations come from each router's createRoute metadata; this
 * module adds what belongs to the document as a whole: the server base path (so "Try it out" and generated clients
 * call /api/v1/…), the security schemes, the document's own operation, and the TeleSign callback as a webhook.
 */

export const OPENAPI_PATH = '/openapi.json';

const TELESIGN_SIGNATURE = 'telesignSignature';

const Digits = z.string().regex(/^\d{1,20}$/);

/** What TeleSign sends; the handler itself is lenient (parse-callback.ts) and stores anything it cannot use. */
const TeleSignCallback = z
  .object({
    reference_id: z.string().openapi({ description: 'TeleSign transaction id (32 hex characters)' }),
    sub_resource: z
      .string()
      .openapi({ description: 'mo_sms (inbound SMS), sms (delivery report); anything else is recorded and ignored' }),
    external_id: z.string().nullable().optional().openapi({ description: 'Our message id, on delivery reports' }),
    submit_timestamp: z.string().optional().openapi({ description: 'RFC 3339 or RFC 1123' }),
    status: z
      .object({
        code: z.union([z.number().int(), z.string()]),
        description: z.string().optional(),
        updated_on: z.string().optional().openapi({ description: 'RFC 3339 or RFC 1123' }),
      })
      .optional(),
    user_response: z
      .object({
        phone_number: Digits.openapi({ description: 'The customer (sender), country code, no +' }),
        sender_id: Digits.openapi({ description: 'Our number the customer texted' }),
        mo_message: z.string().openapi({ description: 'The text; over 1,600 characters is kept whole and flagged' }),
        iso_country_code: z.string().optional(),
      })
      .optional()
      .openapi({ description: 'Present on mo_sms' }),
  })
  .passthrough()
  .openapi('TeleSignCallback');

export function describeApi(v1: OpenAPIHono<AppEnv>): void {
  const registry = v1.openAPIRegistry;
  registry.registerComponent('securitySchemes', BEARER_AUTH, {
    type: 'http',
    scheme: 'bearer',
    description: 'Authorization: Bearer <token> (user tokens start with sd_; BOOTSTRAP_ADMIN_TOKEN is an admin)',
  });
  registry.registerComponent('securitySchemes', TELESIGN_SIGNATURE, {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description:
      'TeleSign callbacks: `Authorization: TSA {customerId}:{signature}` and/or `X-TS-Authorization: {signature}`, ' +
      'signature = base64(HMAC-SHA256(base64decode(apiKey), raw body bytes)).',
  });

  // The document itself is served by doc31 below; registered here so it is described, as the one public operation.
  registry.registerPath(
    publicRoute({
      method: 'get',
      path: OPENAPI_PATH,
      operationId: 'getOpenApiDocument',
      tags: ['Reference'],
      summary: 'This OpenAPI 3.1 document (no credentials needed)',
      responses: {
        200: {
          description: 'The document',
          content: { 'application/json': { schema: z.object({ openapi: z.string() }).passthrough() } },
        },
      },
    }),
  );

  registry.registerWebhook({
    method: 'post',
    path: 'telesignCallback',
    operationId: 'telesignCallback',
    tags: ['TeleSign callbacks'],
    summary: 'TeleSign posts inbound SMS and delivery reports to {PUBLIC_BASE_URL}/webhooks/telesign/{accountId}',
    description:
      'The callback URL of a messaging account is shown as `callbackUrl` on the account. The signature is verified ' +
      'on the raw bytes, in constant time, before anything is stored; the body is stored durably before the 200, a ' +
      'repeated reference_id is acknowledged and changes nothing. Never rate-limited.',
    security: [{ [TELESIGN_SIGNATURE]: [] }],
    request: {
      headers: z.object({
        'X-TS-Authorization': z.string().optional().openapi({ description: 'The signature alone' }),
      }),
      body: { required: true, content: { 'application/json': { schema: TeleSignCallback } } },
    },
    responses: {
      200: { description: 'Stored (or a repeat)', content: { 'application/json': { schema: z.object({}) } } },
      400: problemResponse('The body is not a JSON object'),
      401: problemResponse('The signature is not valid'),
      404: problemResponse('Unknown or disabled messaging account'),
      413: problemResponse('Body over the webhook limit (64 KiB by default)'),
      503: problemResponse('PostgreSQL is unavailable; nothing was stored, TeleSign retries'),
    },
  });

  v1.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: {
      title: 'smsdesk API',
      version: '1',
      description:
        'Every operation but this document takes `Authorization: Bearer <token>`. Errors are RFC 9457 problem ' +
        'details (application/problem+json) naming the field and the rule. Phone numbers are digits with country ' +
        'code, no +. Rate limits answer 429 with Retry-After.',
    },
    servers: [{ url: '/api/v1', description: 'This server' }],
    security: bearerSecurity,
  });
}

import { z } from '@hono/zod-openapi';
import { allow, IdParam, jsonBody, jsonResponse, noContent, resourceRoute } from '../../lib/route-helpers.js';

export const NumberType = z.enum(['geo', 'short_code', 'toll_free'], {
  error: 'must be one of geo, short_code, toll_free',
});

export const PhoneNumberCreate = z
  .object({
    // Only the type is checked here; the digit rules run in domain/phone-number.ts so the 422 says exactly what to fix.
    number: z.string().max(64).openapi({
      description: 'Digits only with the country code, no +, spaces or dashes (7–15 digits; short codes 5–6)',
      example: '14252306549',
    }),
    type: NumberType,
    description: z.string().max(500).nullish(),
  })
  .strict()
  .openapi('PhoneNumberCreate');

export const PhoneNumberUpdate = z
  .object({ type: NumberType.optional(), description: z.string().max(500).nullish() })
  .strict()
  .openapi('PhoneNumberUpdate');

export const PhoneNumber = z
  .object({
    id: z.uuid(),
    accountId: z.uuid(),
    number: z.string(),
    type: NumberType,
    description: z.string().nullable(),
    channelId: z.uuid().nullable().openapi({ description: 'The SMS channel this number serves, if any' }),
    createdAt: z.string(),
  })
  .openapi('PhoneNumber');

export const ListQuery = z.object({ accountId: z.uuid().optional() });

const admin = allow('admin');
const readers = allow('admin', 'supervisor');

export const createPhoneNumber = resourceRoute({
  method: 'post',
  path: '/',
  operationId: 'createPhoneNumber',
  tags: ['Phone numbers'],
  summary: 'Add an SMS number to an account',
  middleware: admin,
  request: { params: IdParam, body: jsonBody(PhoneNumberCreate) },
  responses: { 201: jsonResponse(PhoneNumber, 'Created') },
});

export const listAccountPhoneNumbers = resourceRoute({
  method: 'get',
  path: '/',
  operationId: 'listAccountPhoneNumbers',
  tags: ['Phone numbers'],
  summary: "An account's numbers",
  middleware: readers,
  request: { params: IdParam },
  responses: { 200: jsonResponse(z.object({ items: z.array(PhoneNumber) }), 'Numbers') },
});

export const listPhoneNumbers = resourceRoute({
  method: 'get',
  path: '/',
  operationId: 'listPhoneNumbers',
  tags: ['Phone numbers'],
  summary: 'All SMS numbers (optionally of one account)',
  middleware: readers,
  request: { query: ListQuery },
  responses: { 200: jsonResponse(z.object({ items: z.array(PhoneNumber) }), 'Numbers') },
});

export const getPhoneNumber = resourceRoute({
  method: 'get',
  path: '/{id}',
  operationId: 'getPhoneNumber',
  tags: ['Phone numbers'],
  summary: 'One SMS number',
  middleware: readers,
  request: { params: IdParam },
  responses: { 200: jsonResponse(PhoneNumber, 'The number') },
});

export const updatePhoneNumber = resourceRoute({
  method: 'patch',
  path: '/{id}',
  operationId: 'updatePhoneNumber',
  tags: ['Phone numbers'],
  summary: 'Change the description or type of a number (the number itself is its identity: add a new one)',
  middleware: admin,
  request: { params: IdParam, body: jsonBody(PhoneNumberUpdate) },
  responses: { 200: jsonResponse(PhoneNumber, 'Updated') },
});

export const deletePhoneNumber = resourceRoute({
  method: 'delete',
  path: '/{id}',
  operationId: 'deletePhoneNumber',
  tags: ['Phone numbers'],
  summary: 'Remove an SMS number (refused while it serves an SMS channel)',
  middleware: admin,
  request: { params: IdParam },
  responses: { 204: noContent },
});

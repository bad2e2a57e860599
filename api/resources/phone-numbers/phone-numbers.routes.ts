import { z } from '@hono/zod-openapi';
import { phoneNumbers } from '../../../db/schema/index.js';
import { NUMBER_TYPES } from '../../../domain/vocabulary.js';
import { crudRoutes } from '../../lib/crud-routes.js';
import { IdParam, oneOf } from '../../lib/route-helpers.js';
import { createSelectSchema, isoTimestamp } from '../../lib/table-schemas.js';

export const NumberType = oneOf(NUMBER_TYPES);

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

export const PhoneNumber = createSelectSchema(phoneNumbers, { createdAt: isoTimestamp })
  .extend({ channelId: z.uuid().nullable().openapi({ description: 'The SMS channel this number serves, if any' }) })
  .openapi('PhoneNumber');

export const ListQuery = z.object({ accountId: z.uuid().optional() });

/** All numbers, and one number by id (mounted at /phone-numbers; numbers are added under their account). */
export const phoneNumberRoutes = crudRoutes({
  names: { tag: 'Phone numbers', name: 'PhoneNumber', one: 'SMS number' },
  schemas: { entity: PhoneNumber, create: PhoneNumberCreate, update: PhoneNumberUpdate },
  listQuery: ListQuery,
  summaries: {
    list: 'All SMS numbers (optionally of one account)',
    update: 'Change the description or type of a number (the number itself is its identity: add a new one)',
    remove: 'Remove an SMS number (refused while it serves an SMS channel)',
  },
});

/** The numbers of one account (mounted at /messaging-accounts/:id/phone-numbers): list and add. */
export const accountPhoneNumberRoutes = crudRoutes({
  names: { tag: 'Phone numbers', name: ['PhoneNumber', 'AccountPhoneNumbers'], one: 'SMS number' },
  schemas: { entity: PhoneNumber, create: PhoneNumberCreate, update: PhoneNumberUpdate },
  parent: IdParam,
  summaries: { create: 'Add an SMS number to an account', list: "An account's numbers" },
});

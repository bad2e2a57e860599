import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCallback, sanitizeForPostgres } from '../../inbox/ingest/parse-callback.js';
import { callbackHeaders, signCallback, verifyCallbackSignature } from '../../telesign/signature.js';
import { createAccount, type TestAccount } from '../api/webhooks/support.js';
import { createTestStack, type TestStack } from '../support/stack.js';

const KEY = Buffer.from('property-test-key-0123456789').toString('base64');

/** Bodies shaped like TeleSign callbacks, with every field free to be missing, mistyped or odd. */
const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const callbackLike = fc.record(
  {
    reference_id: fc.oneof(fc.stringMatching(/^[0-9A-F]{32}$/), anyValue),
    sub_resource: fc.oneof(fc.constantFrom('mo_sms', 'sms', 'bulk_sms', ''), anyValue),
    status: fc.oneof(
      fc.record({
        code: fc.oneof(fc.constantFrom(200, 203, 210, 510, 1500, '200', ' 203 ', '2e2'), anyValue),
        description: maybe(anyValue),
        updated_on: maybe(
          fc.oneof(
            fc.date().map((d) => (Number.isNaN(+d) ? 'x' : d.toISOString())),
            fc.constant('Thu, 23 Jun 2022 19:03:44 GMT'),
            fc.string(),
          ),
        ),
      }),
      anyValue,
    ),
    submit_timestamp: maybe(anyValue),
    external_id: maybe(fc.oneof(fc.uuid(), anyValue)),
    user_response: maybe(
      fc.oneof(
        fc.record({
          phone_number: fc.oneof(fc.stringMatching(/^\+?\d{1,16}$/), anyValue),
          sender_id: fc.oneof(fc.constantFrom('14252306549', '4442'), anyValue),
          mo_message: fc.oneof(
            fc.string({ unit: 'grapheme', maxLength: 300 }),
            fc.string({ unit: 'binary' }),
            anyValue,
          ),
          action: maybe(anyValue),
        }),
        anyValue,
      ),
    ),
  },
  { requiredKeys: [] },
);

describe('callback parser and signature (pure)', () => {
  it('never throws on arbitrary JSON and always names a kind', () => {
    fc.assert(
      fc.property(fc.oneof(callbackLike, fc.jsonValue()), (body) => {
        const parsed = parseCallback(sanitizeForPostgres(body));
        expect(['mo_sms', 'dlr', 'other']).toContain(parsed.kind);
        if (parsed.kind === 'dlr') expect(Number.isSafeInteger(parsed.statusCode)).toBe(true);
        if (parsed.kind === 'mo_sms') expect(parsed.customerNumber).toMatch(/^\d+$/);
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts exactly the signature of the exact bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(), (bytes, flip) => {
        const headers = callbackHeaders('CUST', KEY, Buffer.from(bytes).toString('latin1'));
        const sig = signCallback(KEY, bytes);
        expect(
          verifyCallbackSignature({
            headers: { 'x-ts-authorization': sig },
            rawBody: bytes,
            customerId: 'CUST',
            apiKey: KEY,
          }).ok,
        ).toBe(true);
        expect(
          verifyCallbackSignature({
            headers: { authorization: `TSA CUST:${sig}` },
            rawBody: bytes,
            customerId: 'CUST',
            apiKey: KEY,
          }).ok,
        ).toBe(true);
        if (bytes.length > 0) {
          const tampered = Uint8Array.from(bytes);
          tampered[flip % bytes.length]! ^= 1 << (flip % 8);
          expect(
            verifyCallbackSignature({
              headers: { 'x-ts-authorization': sig },
              rawBody: tampered,
              customerId: 'CUST',
              apiKey: KEY,
            }).ok,
          ).toBe(false);
        }
        expect(headers.Authorization?.startsWith('TSA CUST:')).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects arbitrary header values', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (auth, bare, body) => {
        const r = verifyCallbackSignature({
          headers: { authorization: auth, 'x-ts-authorization': bare },
          rawBody: body,
          customerId: 'CUST',
          apiKey: KEY,
        });
        expect(r.ok).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('webhook over generated bodies (real app and Postgres)', () => {
  let s: TestStack;
  let acc: TestAccount;
  beforeAll(async () => {
    s = await createTestStack({ worker: false });
    // No channels: MOs are stored as unroutable, so no workflows pile up on the shared Temporal server.
    acc = await createAccount(s.db.db, s.config);
  });
  afterAll(() => s.close());

  it('answers 2000 generated callbacks without a 5xx; unsigned ones are refused and never stored', async () => {
    const statuses = new Map<number, number>();
    let unsignedStored = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 6, arbitrary: callbackLike.map((b) => JSON.stringify(b)) },
          { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
          { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 500 }) },
        ),
        fc.constantFrom('signed', 'signed', 'signed', 'unsigned', 'wrong-key'),
        async (raw, signing) => {
          const headers =
            signing === 'signed'
              ? callbackHeaders(acc.customerId, acc.apiKey, raw)
              : signing === 'wrong-key'
                ? callbackHeaders(acc.customerId, KEY, raw)
                : {};
          const count = async () => (await s.db.sql`select count(*)::int as n from inbox`)[0]!.n as number;
          const before = signing === 'signed' ? 0 : await count();
          const res = await s.app.request(`/webhooks/telesign/${acc.id}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: raw,
          });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status).toBeLessThan(500);
          if (signing !== 'signed') {
            expect(res.status).toBe(401);
            unsignedStored += (await count()) - before;
          } else {
            expect([200, 400]).toContain(res.status);
          }
        },
      ),
      { numRuns: 2000 },
    );
    expect(unsignedStored).toBe(0);
    // The generator must actually reach the storing path, not only the 400/401 ones.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(500);
  }, 180_000);
});

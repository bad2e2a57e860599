import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  callbackHeaders,
  requestAuthHeaders,
  requestStringToSign,
  signCallback,
  verifyCallbackSignature,
} from '../../telesign/signature.js';
import { classifyStatus } from '../../telesign/status-codes.js';

const require = createRequire(import.meta.url);
const RestClient = require('telesignsdk/src/RestClient.js') as {
  generateTeleSignHeaders: (
    customerId: string,
    apiKey: string,
    method: string,
    resource: string,
    contentType: string,
    encodedFields: string | null,
    date: string,
    nonce: string,
    userAgent: string | null,
    authMethod: string | null,
  ) => Record<string, string>;
};

const CUSTOMER = 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890';
const KEY = 'ABC12345yusumoN6BYsBVkh+yRJ5czgsnCehZaOYldPJdmFh6NeX8kunZ2zU1YWaUw/0wV6xfw==';
const DATE = 'Tue, 31 Jan 2024 19:36:42 GMT';
const NONCE = '4e1d7c2a-8d1f-4c3b-9a57-0c2a7bb1f6a1';

describe('Digest (TSA) request signing', () => {
  it.each([
    ['POST', '/v1/messaging', 'phone_number=15558675309&message=Hi%20there&message_type=ARN&external_id=m1'],
    ['GET', '/v1/messaging/0123456789ABCDEF0123456789ABCDEF', ''],
  ])('%s %s: identical Authorization to telesignsdk', (method, resource, body) => {
    const ours = requestAuthHeaders({
      customerId: CUSTOMER,
      apiKey: KEY,
      authMethod: 'digest',
      method,
      resource,
      body,
      date: DATE,
      nonce: NONCE,
    });
    const sdk = RestClient.generateTeleSignHeaders(
      CUSTOMER,
      KEY,
      method,
      resource,
      'application/x-www-form-urlencoded',
      body || null,
      DATE,
      NONCE,
      null,
      null,
    );
    expect(ours.Authorization).toBe(sdk.Authorization);
    expect(ours['x-ts-auth-method']).toBe('HMAC-SHA256');
    expect(ours['x-ts-nonce']).toBe(NONCE);
  });

  it('builds the string-to-sign line by line as docs/domain.md documents', () => {
    expect(
      requestStringToSign({
        method: 'POST',
        contentType: 'application/x-www-form-urlencoded',
        date: DATE,
        nonce: 'n1',
        body: 'a=1',
        resource: '/v1/messaging',
      }),
    ).toBe(
      `POST\napplication/x-www-form-urlencoded\n${DATE}\nx-ts-auth-method:HMAC-SHA256\nx-ts-nonce:n1\na=1\n/v1/messaging`,
    );
    expect(
      requestStringToSign({
        method: 'GET',
        contentType: 'ignored',
        date: DATE,
        nonce: 'n1',
        body: '',
        resource: '/v1/x',
      }),
    ).toBe(`GET\n\n${DATE}\nx-ts-auth-method:HMAC-SHA256\nx-ts-nonce:n1\n/v1/x`);
  });

  it('Basic is base64(customerId:apiKey)', () => {
    const h = requestAuthHeaders({
      customerId: 'C',
      apiKey: 'K',
      authMethod: 'basic',
      method: 'GET',
      resource: '/',
      body: '',
    });
    expect(h.Authorization).toBe(`Basic ${Buffer.from('C:K').toString('base64')}`);
  });
});

describe('callback signatures', () => {
  const body = '{"reference_id":"X","status":{"code":200}}';
  it('matches HMAC-SHA256 over the body with the base64-decoded key (the Python SDK helper)', () => {
    // Value computed independently: python3 -c "import hmac,hashlib,base64;print(base64.b64encode(hmac.new(base64.b64decode(K),B,hashlib.sha256).digest()))"
    expect(signCallback(KEY, body)).toBe('wcuvu6w/NsuF5up4R5suZHKt1ovcfcaomAO7GqfQkv0=');
    expect(signCallback(KEY, Buffer.from(body))).toBe('wcuvu6w/NsuF5up4R5suZHKt1ovcfcaomAO7GqfQkv0=');
    expect(signCallback(KEY, body)).not.toBe(signCallback(Buffer.from('other').toString('base64'), body));
  });
  it('accepts the customer id case-insensitively and extra spaces after TSA', () => {
    const sig = signCallback(KEY, body);
    expect(
      verifyCallbackSignature({
        headers: { Authorization: `TSA   ${CUSTOMER.toLowerCase()}:${sig}` },
        rawBody: body,
        customerId: CUSTOMER,
        apiKey: KEY,
      }),
    ).toEqual({ ok: true });
  });
  it.each([
    [{}, 'missing'],
    [{ authorization: 'TSA nocolon' }, 'malformed'],
    [{ authorization: 'Bearer x:y' }, 'malformed'],
    [{ authorization: `TSA OTHER:${signCallback(KEY, body)}` }, 'wrong_customer'],
    [{ 'x-ts-authorization': 'AAAA' }, 'bad_signature'],
  ] as const)('%j → %s', (headers, reason) => {
    expect(verifyCallbackSignature({ headers, rawBody: body, customerId: CUSTOMER, apiKey: KEY })).toEqual({
      ok: false,
      reason,
    });
  });
  it('produces both headers TeleSign sends', () => {
    const h = callbackHeaders(CUSTOMER, KEY, body);
    expect(h.Authorization).toBe(`TSA ${CUSTOMER}:${h['X-TS-Authorization']}`);
  });
});

describe('classifyStatus', () => {
  it.each([
    [290, { status: 'sent', final: false }],
    [203, { status: 'sent', final: false }],
    [200, { status: 'delivered', final: true }],
    [210, { status: 'failed', final: true, retryable: false }],
    [503, { status: 'failed', final: true, retryable: true }],
    [505, { status: 'failed', retryable: true }],
    [10000, { status: 'failed', retryable: true }],
    [510, { status: 'blocked', final: true, optOut: true }],
    [229, { status: 'blocked', optOut: false }],
    [230, { status: 'blocked' }],
    [10032, { status: 'blocked' }],
    [251, { status: 'failed', final: true }],
  ] as const)('%i → %j', (code, expected) => {
    expect(classifyStatus(code)).toMatchObject(expected);
  });
});

import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderAllowlist } from '../../lib/egress-allowlist.js';
import { createTelesignClient, TelesignError } from '../../telesign/rest-client.js';
import { requestAuthHeaders } from '../../telesign/signature.js';
import { type Simulator, startSimulator } from '../../telesign/simulator/server.js';
import { validateTelesignCredentials } from '../../telesign/validate-credentials.js';

const require = createRequire(import.meta.url);
type SdkBody = { reference_id: string; external_id?: string; status: { code: number }; signature_string?: string };
// The official SDK is CommonJS with callbacks; it is the reference implementation of TeleSign's signing.
const TeleSignSDK = require('telesignsdk') as new (
  customerId: string,
  apiKey: string,
  restEndpoint: string,
  timeout?: number,
) => {
  sms: {
    message: (cb: (err: unknown, body: SdkBody) => void, phone: string, msg: string, type: string) => void;
    status: (cb: (err: unknown, body: SdkBody) => void, ref: string) => void;
  };
  rest: {
    execute: (
      cb: (err: unknown, body: SdkBody) => void,
      method: string,
      resource: string,
      params: Record<string, string> | null,
      authMethod?: string | null,
    ) => void;
  };
};

/** The SDK takes its error-first callback as the first argument, so util.promisify does not fit. */
function viaCallback(call: (cb: (err: unknown, body: SdkBody) => void) => void): Promise<SdkBody> {
  return new Promise((resolve, reject) => call((err, body) => (err ? reject(err) : resolve(body))));
}

let sim: Simulator;
const CUSTOMER = 'FFFFFFFF-EEEE-DDDD-1234-AB1234567890';
const KEY = Buffer.from('simulator-test-key-0123456789abcdef').toString('base64');
beforeAll(async () => {
  sim = await startSimulator({ dlrDelaysMs: [10, 20] });
  sim.addAccount({ customerId: CUSTOMER, apiKey: KEY, numbers: ['14252306549'] });
  sim.addAccount({ customerId: 'SUSPENDED-1', apiKey: KEY, suspended: true });
  sim.addAccount({ customerId: 'WRONG-HOST-1', apiKey: KEY, allowedHost: false });
});
afterAll(() => sim.stop());

const client = (over: Partial<Parameters<typeof createTelesignClient>[0]> = {}) =>
  createTelesignClient({
    baseUrl: sim.url,
    allowlist: createProviderAllowlist([sim.url]),
    customerId: CUSTOMER,
    apiKey: KEY,
    ...over,
  });

describe('official telesignsdk against the simulator', () => {
  it('sends with Digest (the SDK default) and reads the status back', async () => {
    const sdk = new TeleSignSDK(CUSTOMER, KEY, sim.url, 5000);
    const body = await viaCallback((cb) => sdk.sms.message(cb, '15551230001', 'Hello from the SDK', 'ARN'));
    expect(body.status.code).toBe(290);
    expect(body.reference_id).toMatch(/^[0-9A-F]{32}$/);
    const status = await viaCallback((cb) => sdk.sms.status(cb, body.reference_id));
    expect(status.reference_id).toBe(body.reference_id);
    expect([290, 203, 200]).toContain(status.status.code);
  });

  it('sends with Basic through rest.execute with external_id and sender_id', async () => {
    const sdk = new TeleSignSDK(CUSTOMER, KEY, sim.url, 5000);
    const body = await viaCallback((cb) =>
      sdk.rest.execute(
        cb,
        'POST',
        '/v1/messaging',
        {
          phone_number: '15551230002',
          message: 'Basic auth',
          message_type: 'ARN',
          external_id: 'msg-1',
          sender_id: '14252306549',
        },
        'Basic',
      ),
    );
    expect(body.status.code).toBe(290);
    expect(body.external_id).toBe('msg-1');
  });

  it('rejects the SDK with a wrong key: 10008 invalid signature', async () => {
    const sdk = new TeleSignSDK(CUSTOMER, Buffer.from('wrong').toString('base64'), sim.url, 5000);
    const body = await viaCallback((cb) => sdk.sms.message(cb, '15551230001', 'x', 'ARN'));
    expect(body.status.code).toBe(10008);
    expect(body.signature_string).toContain('/v1/messaging');
  });
});

describe('simulator authentication', () => {
  it.each([
    ['basic', 'unknown customer', { customerId: 'NOPE' }, 10015],
    ['basic', 'wrong key', { apiKey: Buffer.from('nope').toString('base64') }, 10022],
    ['digest', 'unknown customer', { customerId: 'NOPE' }, 10015],
    ['digest', 'wrong key', { apiKey: Buffer.from('nope').toString('base64') }, 10008],
    ['basic', 'suspended account', { customerId: 'SUSPENDED-1' }, 10010],
    ['digest', 'host not allowed', { customerId: 'WRONG-HOST-1' }, 10035],
  ] as const)('%s with %s → HTTP 401 code %i, final auth error', async (authMethod, _what, over, code) => {
    const err = await client({ authMethod, ...over })
      .sendSms({ phoneNumber: '15551230001', message: 'x', senderId: '14252306549', externalId: 'e1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TelesignError);
    expect(err).toMatchObject({ httpStatus: 401, statusCode: code, retryable: false, kind: 'auth' });
  });

  it('answers 10009 without an Authorization header and 10028 for an unknown scheme', async () => {
    const none = await fetch(`${sim.url}/v1/messaging/0123456789ABCDEF0123456789ABCDEF`);
    expect(none.status).toBe(401);
    expect((await none.json()).status.code).toBe(10009);
    const bad = await fetch(`${sim.url}/v1/messaging/0123456789ABCDEF0123456789ABCDEF`, {
      headers: { authorization: 'Bearer x' },
    });
    expect((await bad.json()).status.code).toBe(10028);
  });

  it('rejects a replayed Digest nonce (10002) and a stale date (10004)', async () => {
    const resource = '/v1/messaging/0123456789ABCDEF0123456789ABCDEF';
    const headers = requestAuthHeaders({
      customerId: CUSTOMER,
      apiKey: KEY,
      authMethod: 'digest',
      method: 'GET',
      resource,
      body: '',
    });
    const first = await fetch(sim.url + resource, { headers });
    expect((await first.json()).status.code).toBe(10017);
    const replay = await fetch(sim.url + resource, { headers });
    expect((await replay.json()).status.code).toBe(10002);
    const old = requestAuthHeaders({
      customerId: CUSTOMER,
      apiKey: KEY,
      authMethod: 'digest',
      method: 'GET',
      resource,
      body: '',
      date: new Date(Date.now() - 3600_000).toUTCString(),
    });
    expect((await (await fetch(sim.url + resource, { headers: old })).json()).status.code).toBe(10004);
  });
});

describe('rest client', () => {
  it.each(['basic', 'digest'] as const)(
    'sends with %s and keeps HTTP status, reference and code',
    async (authMethod) => {
      const r = await client({ authMethod }).sendSms({
        phoneNumber: '15551230003',
        message: 'Your ticket was updated',
        senderId: '14252306549',
        externalId: crypto.randomUUID(),
      });
      expect(r).toMatchObject({ httpStatus: 200, statusCode: 290, statusDescription: 'Message in progress' });
      expect(r.referenceId).toMatch(/^[0-9A-F]{32}$/);
      const st = await client({ authMethod }).getStatus(r.referenceId);
      expect(st.referenceId).toBe(r.referenceId);
      expect(st.httpStatus).toBe(200);
    },
  );

  it('classifies a bad phone number as a final 400 error with code 11000', async () => {
    const err = await client()
      .sendSms({ phoneNumber: '+1 555', message: 'x', senderId: '14252306549', externalId: 'e' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ httpStatus: 400, statusCode: 11000, retryable: false, kind: 'invalid_request' });
  });

  it('classifies a non-ASCII external_id as final 11016', async () => {
    const err = await client()
      .sendSms({ phoneNumber: '15551230001', message: 'x', senderId: '14252306549', externalId: 'é' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ httpStatus: 400, statusCode: 11016, retryable: false });
  });
});

describe('validateTelesignCredentials', () => {
  const check = (over: Partial<Parameters<typeof validateTelesignCredentials>[0]> = {}) =>
    validateTelesignCredentials({
      baseUrl: sim.url,
      allowlist: createProviderAllowlist([over.baseUrl ?? sim.url]),
      customerId: CUSTOMER,
      apiKey: KEY,
      ...over,
    });

  it('reports valid credentials without sending anything', async () => {
    const before = sim.callbacks().length;
    expect(await check()).toMatchObject({ valid: true, reason: 'ok', statusCode: 10017 });
    expect(sim.callbacks().length).toBe(before);
  });
  it('names a bad customer id, a bad key, a suspended account and a wrong host', async () => {
    expect(await check({ customerId: 'NOPE' })).toMatchObject({
      valid: false,
      reason: 'bad_customer_id',
      statusCode: 10015,
    });
    // Basic, as sends authenticate: TeleSign names the bad key (10022).
    expect(await check({ apiKey: Buffer.from('x').toString('base64') })).toMatchObject({
      valid: false,
      reason: 'bad_api_key',
    });
    // Digest cannot tell a wrong key from a signing bug (10008): reported as bad credentials.
    expect(await check({ apiKey: Buffer.from('x').toString('base64'), authMethod: 'digest' })).toMatchObject({
      valid: false,
      reason: 'bad_credentials',
    });
    expect(await check({ customerId: 'SUSPENDED-1' })).toMatchObject({ valid: false, reason: 'account_suspended' });
    expect(await check({ customerId: 'WRONG-HOST-1' })).toMatchObject({ valid: false, reason: 'host_not_allowed' });
  });
  it('reports an unreachable host and a timeout', async () => {
    expect(await check({ baseUrl: 'http://127.0.0.1:1' })).toMatchObject({ valid: false, reason: 'unreachable' });
    sim.faults.set({ timeoutRate: 1 });
    try {
      expect(await check({ timeoutMs: 300 })).toMatchObject({ valid: false, reason: 'timeout' });
    } finally {
      sim.faults.reset();
    }
  });
});

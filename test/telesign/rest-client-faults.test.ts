import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProviderAllowlist } from '../../lib/egress-allowlist.js';
import { createTelesignClient, TelesignError } from '../../telesign/rest-client.js';
import { verifyCallbackSignature } from '../../telesign/signature.js';
import { type Simulator, startSimulator } from '../../telesign/simulator/server.js';

let sim: Simulator;
const CUSTOMER = 'AAAAAAAA-BBBB-CCCC-DDDD-000000000001';
const KEY = Buffer.from('faults-key-0123456789abcdef').toString('base64');
beforeAll(async () => {
  sim = await startSimulator({ dlrDelaysMs: [10, 30], callbackRetry: { timeoutMs: 500, delaysMs: [50, 100, 150] } });
  sim.addAccount({ customerId: CUSTOMER, apiKey: KEY, numbers: ['14252306549'] });
});
afterAll(() => sim.stop());
afterEach(() => sim.faults.reset());

const send = (over: { timeoutMs?: number; baseUrl?: string; authMethod?: 'basic' | 'digest' } = {}) =>
  createTelesignClient({
    baseUrl: sim.url,
    allowlist: createProviderAllowlist([over.baseUrl ?? sim.url]),
    customerId: CUSTOMER,
    apiKey: KEY,
    ...over,
  })
    .sendSms({ phoneNumber: '15551230001', message: 'hi', senderId: '14252306549', externalId: crypto.randomUUID() })
    .then(
      () => null,
      (e: unknown) => e as TelesignError,
    );

describe('rest client error classification against simulator faults', () => {
  it.each([
    [{ rate429: 1 }, { httpStatus: 429, statusCode: 10019, kind: 'rate_limited' }],
    [{ rate503: 1 }, { httpStatus: 503, statusCode: 10000, kind: 'unavailable' }],
    [{ errorRate: 1 }, { httpStatus: 500, statusCode: 10000, kind: 'unavailable' }],
  ] as const)('%j → retryable %j', async (fault, expected) => {
    sim.faults.set(fault);
    const err = await send();
    expect(err).toBeInstanceOf(TelesignError);
    expect(err).toMatchObject({ ...expected, retryable: true });
  });

  it('classifies a request the simulator never answers as a retryable timeout', async () => {
    sim.faults.set({ timeoutRate: 1 });
    const started = Date.now();
    const err = await send({ timeoutMs: 300 });
    expect(err).toMatchObject({ kind: 'timeout', retryable: true, httpStatus: null });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('classifies a refused connection as a retryable network error', async () => {
    const err = await send({ baseUrl: 'http://127.0.0.1:1' });
    expect(err).toMatchObject({ kind: 'network', retryable: true, httpStatus: null, statusCode: null });
  });

  it('adds latency without failing', async () => {
    sim.faults.set({ latencyMs: 200 });
    const started = Date.now();
    expect(await send({ authMethod: 'digest' })).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('classifies a non-JSON 502 from a proxy as retryable and a 403 as final', async () => {
    let status = 502;
    const srv = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    try {
      expect(await send({ baseUrl: base })).toMatchObject({ httpStatus: 502, statusCode: null, retryable: true });
      status = 403;
      expect(await send({ baseUrl: base })).toMatchObject({
        httpStatus: 403,
        kind: 'forbidden',
        retryable: false,
      });
    } finally {
      srv.close();
    }
  });
});

describe('simulator callbacks', () => {
  let receiver: Server;
  let url: string;
  const received: { body: string; headers: Record<string, string | string[] | undefined> }[] = [];
  let failFirst = 0;
  /** Fail only callbacks whose body contains this (e.g. our external_id). */
  let failOnly: string | null = null;
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ body, headers: req.headers });
        if (failFirst > 0 && (!failOnly || body.includes(failOnly))) {
          failFirst--;
          res.writeHead(500).end();
        } else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb`;
  });
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

  it('sends signed delivery reports 203 then 200 with external_id, and retries after a non-200', async () => {
    received.length = 0;
    const externalId = crypto.randomUUID();
    failFirst = 1;
    failOnly = externalId;
    sim.setCallbackUrl(CUSTOMER, url);
    const r = await createTelesignClient({
      baseUrl: sim.url,
      allowlist: createProviderAllowlist([sim.url]),
      customerId: CUSTOMER,
      apiKey: KEY,
    }).sendSms({
      phoneNumber: '15551230009',
      message: 'track me',
      senderId: '14252306549',
      externalId,
    });
    await new Promise((res) => setTimeout(res, 400));
    await sim.settle();
    // Earlier tests' messages may report here too (the URL is read when a report is due): look at ours only.
    const ours = received.filter((x) => x.body.includes(r.referenceId));
    const dlrs = ours.map((x) => JSON.parse(x.body) as { status: { code: number }; external_id: string });
    expect(dlrs.every((d) => d.external_id === externalId)).toBe(true);
    // The first 203 attempt got a 500 and was retried; the 200 went through meanwhile.
    expect(dlrs.map((d) => d.status.code).sort()).toEqual([200, 203, 203]);
    const record = sim.callbacks().find((c) => c.referenceId === r.referenceId && c.statusCode === 203)!;
    expect(record.attempts.map((a) => a.httpStatus)).toEqual([500, 200]);
    expect(record.outcome).toBe('delivered');
    for (const x of ours) {
      expect(
        verifyCallbackSignature({ headers: x.headers, rawBody: x.body, customerId: CUSTOMER, apiKey: KEY }).ok,
      ).toBe(true);
    }
    expect(
      sim
        .phone('15551230009')
        .received()
        .map((m) => m.text),
    ).toEqual(['track me']);
  });

  it('gives up after 4 attempts when the callback URL keeps failing', async () => {
    received.length = 0;
    failFirst = 100;
    failOnly = null;
    sim.setCallbackUrl(CUSTOMER, url);
    sim.phone('15551230010').setDeliveryCode(230);
    await createTelesignClient({
      baseUrl: sim.url,
      allowlist: createProviderAllowlist([sim.url]),
      customerId: CUSTOMER,
      apiKey: KEY,
    }).sendSms({
      phoneNumber: '15551230010',
      message: 'blocked',
      senderId: '14252306549',
      externalId: 'x',
    });
    await new Promise((res) => setTimeout(res, 100));
    await sim.settle();
    failFirst = 0;
    expect(received).toHaveLength(4);
    const last = sim.callbacks().at(-1)!;
    expect(last).toMatchObject({ statusCode: 230, outcome: 'failed' });
    expect(last.attempts).toHaveLength(4);
    expect(sim.phone('15551230010').received()).toHaveLength(0);
  });

  it('duplicates and reorders delivery reports on demand', async () => {
    received.length = 0;
    sim.setCallbackUrl(CUSTOMER, url);
    sim.faults.set({ duplicateCallbacks: true, outOfOrderCallbacks: true });
    await createTelesignClient({
      baseUrl: sim.url,
      allowlist: createProviderAllowlist([sim.url]),
      customerId: CUSTOMER,
      apiKey: KEY,
    }).sendSms({
      phoneNumber: '15551230011',
      message: 'chaos',
      senderId: '14252306549',
      externalId: 'y',
    });
    await new Promise((res) => setTimeout(res, 200));
    await sim.settle();
    expect(received.map((x) => (JSON.parse(x.body) as { status: { code: number } }).status.code)).toEqual([
      200, 200, 203, 203,
    ]);
  });
});

import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { SMS_MAX_CHARACTERS, smsLength } from '../../domain/sms-limits.js';
import { analyzeSms } from '../../domain/sms-segments.js';
import { authenticateRequest, type SimAccount } from './auth.js';
import { type CallbackRecord, deliverCallback, type RetryPolicy } from './callbacks.js';
import { simulatorPage } from './ui.js';

/**
 * A faithful stand-in for TeleSign's SMS REST API and callback service, for local runs and tests:
 * POST /v1/messaging and GET /v1/messaging/{reference_id} with real Basic and Digest (TSA) authentication and
 * TeleSign's error codes; signed delivery reports (290 → 203 → 200, or a failure code) and inbound SMS (mo_sms)
 * sent to the account's callback URL with TeleSign's retry policy; simulated phones; fault injection.
 * Control API under /sim (JSON), one-page UI at /sim.
 */

export type Faults = {
  /** Fraction of REST calls answered 500 with status.code 10000. */
  errorRate: number;
  /** Fraction answered 429 10019 (rate limit). */
  rate429: number;
  /** Fraction answered 503 10000. */
  rate503: number;
  /** Added before every REST answer. */
  latencyMs: number;
  /** Fraction of REST calls never answered (the client must time out). */
  timeoutRate: number;
  /** Every callback is delivered twice. */
  duplicateCallbacks: boolean;
  /** Delivery reports are sent final-first (200 before 203). */
  outOfOrderCallbacks: boolean;
};

const NO_FAULTS: Faults = {
  errorRate: 0,
  rate429: 0,
  rate503: 0,
  latencyMs: 0,
  timeoutRate: 0,
  duplicateCallbacks: false,
  outOfOrderCallbacks: false,
};

export type PhoneMessage = {
  direction: 'received' | 'sent';
  referenceId: string;
  /** For received: the sender id; for sent: the phone itself. */
  from: string;
  to: string;
  text: string;
  at: string;
  statusCode: number;
  externalId: string | null;
  segments: number;
};

type SimMessage = {
  referenceId: string;
  customerId: string;
  phoneNumber: string;
  senderId: string | null;
  externalId: string | null;
  callbackUrl: string | null;
  text: string;
  statusCode: number;
  description: string;
  updatedOn: string;
  createdAt: number;
};

type PhoneState = { messages: PhoneMessage[]; deliveryCode: number; optedOut: Set<string> };

/** A file a simulated phone sends with a message. */
export type SimMedia = { contentType: string; bytes: Buffer };

export type SimulatorOptions = {
  port?: number;
  host?: string;
  /** Host name put in `url` (what other processes use to reach the simulator). */
  publicHost?: string;
  /** Delays of the 203 and final delivery reports after a send. */
  dlrDelaysMs?: [number, number];
  /** Callback retry policy: TeleSign's DLR policy is a 5 s timeout and waits of 5, 10, 15 s. */
  callbackRetry?: RetryPolicy;
  /** How long a "timeout" fault holds a request. */
  hangMs?: number;
  log?: (msg: string) => void;
};

export const STATUS_TEXT: Record<number, string> = {
  200: 'Delivered to handset',
  203: 'Delivered to gateway',
  207: 'Error delivering SMS to handset (reason unknown)',
  210: 'Temporary phone error',
  211: 'Permanent phone error',
  220: 'Gateway/network cannot route message',
  229: 'Message blocked by customer request',
  230: 'Message blocked by Telesign',
  290: 'Message in progress',
  503: 'Carrier rejected - temporary',
  510: 'Message blocked by subscriber action or request',
  1500: 'Delivered to customer',
};

const BLOCKED = new Set([229, 230, 233, 237, 238, 510]);

/** TeleSign's own inbound keyword mapping (docs/domain.md, "Inbound keywords"), reported in user_response.action. */
function keywordAction(text: string): { keyword: string; action: 'stop' | 'start' | 'help' | 'generic' } {
  const k = text.trim().toLowerCase();
  if (['arrêt', 'arret', 'cancel', 'end', 'quit', 'stop', 'unsubscribe'].includes(k))
    return { keyword: k, action: 'stop' };
  if (['aide', 'contact', 'help', 'info'].includes(k)) return { keyword: k, action: 'help' };
  if (k === 'start') return { keyword: k, action: 'start' };
  return { keyword: '', action: 'generic' };
}

const newReferenceId = () => randomBytes(16).toString('hex').toUpperCase();

export async function startSimulator(opts: SimulatorOptions = {}) {
  const log = opts.log ?? (() => {});
  const accounts = new Map<string, SimAccount>();
  const messages = new Map<string, SimMessage>();
  const phones = new Map<string, PhoneState>();
  const callbacks: CallbackRecord[] = [];
  const nonces = new Map<string, number>();
  let faults: Faults = { ...NO_FAULTS };
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const pending = new Set<Promise<void>>();
  const dlrDelays = opts.dlrDelaysMs ?? [150, 400];
  const retry: RetryPolicy = opts.callbackRetry ?? { timeoutMs: 5000, delaysMs: [5000, 10_000, 15_000] };
  const hangMs = opts.hangMs ?? 60_000;

  const findAccount = (cid: string) =>
    accounts.get(cid) ?? [...accounts.values()].find((a) => a.customerId.toLowerCase() === cid.toLowerCase());
  const phoneState = (n: string): PhoneState => {
    let p = phones.get(n);
    if (!p) {
      p = { messages: [], deliveryCode: 200, optedOut: new Set() };
      phones.set(n, p);
    }
    return p;
  };
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    timers.add(t);
  };
  const useNonce = (cid: string, nonce: string) => {
    const key = `${cid}:${nonce}`;
    const now = Date.now();
    if ((nonces.get(key) ?? 0) > now) return false;
    nonces.set(key, now + 15 * 60_000);
    if (nonces.size > 50_000) for (const [k, exp] of nonces) if (exp < now) nonces.delete(k);
    return true;
  };

  function sendCallback(account: SimAccount, url: string, kind: CallbackRecord['kind'], body: Record<string, unknown>) {
    const raw = JSON.stringify(body);
    const copies = faults.duplicateCallbacks ? 2 : 1;
    let first: Promise<void> | undefined;
    for (let i = 0; i < copies; i++) {
      const rec: CallbackRecord = {
        id: callbacks.length + 1,
        customerId: account.customerId,
        url,
        kind,
        referenceId: String(body.reference_id),
        statusCode: Number((body.status as { code: number }).code),
        body: raw,
        attempts: [],
        outcome: 'pending',
      };
      callbacks.push(rec);
      const p = deliverCallback(rec, account.apiKey, retry, () => stopped).finally(() => pending.delete(p));
      pending.add(p);
      first ??= p;
    }
    return { record: callbacks[callbacks.length - copies]!, done: first! };
  }

  function setStatus(m: SimMessage, code: number) {
    m.statusCode = code;
    m.description = STATUS_TEXT[code] ?? 'Status';
    m.updatedOn = new Date().toISOString();
    for (const pm of phoneState(m.phoneNumber).messages) if (pm.referenceId === m.referenceId) pm.statusCode = code;
    const account = findAccount(m.customerId);
    const url = m.callbackUrl ?? account?.callbackUrl;
    if (!account || !url) return;
    sendCallback(account, url, 'dlr', {
      reference_id: m.referenceId,
      status: { code, description: m.description, updated_on: m.updatedOn },
      submit_timestamp: new Date(m.createdAt).toISOString(),
      errors: [],
      sub_resource: 'sms',
      external_id: m.externalId,
      additional_info: { message_parts_count: analyzeSms(m.text).segments, sender_id: m.senderId },
    });
  }

  function scheduleDelivery(m: SimMessage) {
    const phone = phoneState(m.phoneNumber);
    const optedOut = phone.optedOut.has(m.senderId ?? '') || phone.optedOut.has('*');
    const final = optedOut ? 510 : phone.deliveryCode;
    // Blocked sends never reach a gateway; other failures happen after it (203 first).
    const steps = BLOCKED.has(final) ? [final] : [203, final];
    if (faults.outOfOrderCallbacks) steps.reverse();
    if (final === 200) {
      phone.messages.push({
        direction: 'received',
        referenceId: m.referenceId,
        from: m.senderId ?? '',
        to: m.phoneNumber,
        text: m.text,
        at: new Date().toISOString(),
        statusCode: 290,
        externalId: m.externalId,
        segments: analyzeSms(m.text).segments,
      });
    }
    steps.forEach((code, i) => {
      later(dlrDelays[Math.min(i, 1)]!, () => setStatus(m, code));
    });
  }

  function tsError(c: Context, http: number, code: number, description: string, extra: Record<string, unknown> = {}) {
    return c.json(
      {
        reference_id: null,
        status: { updated_on: new Date().toISOString(), code, description },
        errors: [{ code, description }],
        ...extra,
      },
      http as 400,
    );
  }

  /** Injected faults, then authentication. Returns a Response to send instead, or the account. */
  async function gate(c: Context, rawBody: string): Promise<Response | SimAccount> {
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (Math.random() < faults.timeoutRate) {
      await new Promise((r) => later(hangMs, () => r(undefined)));
      return tsError(c, 503, 10000, 'System Unavailable, please try again later');
    }
    if (Math.random() < faults.rate429) return tsError(c, 429, 10019, 'Rate Limit Exceeded');
    if (Math.random() < faults.rate503) return tsError(c, 503, 10000, 'System Unavailable, please try again later');
    if (Math.random() < faults.errorRate) return tsError(c, 500, 10000, 'System Unavailable, please try again later');
    const auth = authenticateRequest({
      headers: c.req.raw.headers,
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      rawBody,
      findAccount,
      useNonce,
    });
    if (!auth.ok) {
      return tsError(
        c,
        401,
        auth.code,
        auth.description,
        auth.signatureString ? { signature_string: auth.signatureString } : {},
      );
    }
    return auth.account;
  }

  const app = new Hono();

  app.post('/v1/messaging', async (c) => {
    const raw = await c.req.text();
    const gated = await gate(c, raw);
    if (gated instanceof Response) return gated;
    const account = gated;
    const form = new URLSearchParams(raw);
    const phoneNumber = form.get('phone_number');
    const message = form.get('message');
    const messageType = form.get('message_type');
    const externalId = form.get('external_id');
    const senderId = form.get('sender_id');
    const callbackUrl = form.get('callback_url');
    if (!phoneNumber) return tsError(c, 400, 12000, 'Missing required parameter phone_number');
    if (!/^\d{7,15}$/.test(phoneNumber)) return tsError(c, 400, 11000, 'Invalid value for parameter phone_number');
    if (message === null || message === '') return tsError(c, 400, 12009, 'Missing required parameter message');
    if (smsLength(message) > SMS_MAX_CHARACTERS) return tsError(c, 400, 11009, 'Invalid value for parameter message');
    if (!messageType) return tsError(c, 400, 12017, 'Missing required parameter message_type');
    if (!['OTP', 'ARN', 'MKT'].includes(messageType)) {
      return tsError(c, 400, 11017, 'Invalid value for parameter message_type');
    }
    if (externalId !== null && (externalId.length > 100 || !/^[\x20-\x7e]*$/.test(externalId))) {
      return tsError(c, 400, 11016, 'Invalid value for parameter external_id');
    }
    if (senderId !== null && !/^[0-9A-Za-z]{1,20}$/.test(senderId)) {
      return tsError(c, 400, 11013, 'Invalid value for parameter sender_id');
    }
    if (callbackUrl !== null && !URL.canParse(callbackUrl)) {
      return tsError(c, 400, 11004, 'Invalid value for parameter callback_url');
    }
    const now = new Date();
    const m: SimMessage = {
      referenceId: newReferenceId(),
      customerId: account.customerId,
      phoneNumber,
      senderId,
      externalId,
      callbackUrl,
      text: message,
      statusCode: 290,
      description: STATUS_TEXT[290]!,
      updatedOn: now.toISOString(),
      createdAt: now.getTime(),
    };
    messages.set(m.referenceId, m);
    scheduleDelivery(m);
    log(`sent ${m.referenceId} to ${phoneNumber}: ${message.slice(0, 60)}`);
    return c.json({
      reference_id: m.referenceId,
      external_id: externalId,
      status: { code: 290, description: STATUS_TEXT[290], updated_on: m.updatedOn },
    });
  });

  // Not a documented TeleSign endpoint: the look-up by our external_id that smsdesk tries before re-sending a message
  // whose first attempt has an unknown outcome (a real TeleSign answers it otherwise, which the client tolerates).
  app.get('/v1/messaging', async (c) => {
    const gated = await gate(c, '');
    if (gated instanceof Response) return gated;
    const externalId = c.req.query('external_id');
    if (!externalId) return tsError(c, 400, 12016, 'Missing required parameter external_id');
    const found = [...messages.values()]
      .filter((m) => m.customerId === gated.customerId && m.externalId === externalId)
      .sort((a, b) => a.createdAt - b.createdAt);
    return c.json({
      external_id: externalId,
      messages: found.map((m) => ({
        reference_id: m.referenceId,
        status: { code: m.statusCode, description: m.description, updated_on: m.updatedOn },
      })),
    });
  });

  app.get('/v1/messaging/:referenceId', async (c) => {
    const gated = await gate(c, '');
    if (gated instanceof Response) return gated;
    const ref = c.req.param('referenceId');
    if (!/^[0-9A-Fa-f]{32}$/.test(ref)) return tsError(c, 400, 11011, 'Invalid value for parameter reference_id');
    const m = messages.get(ref.toUpperCase());
    if (!m || m.customerId !== gated.customerId) return tsError(c, 404, 10017, 'Customer ID / Reference ID not found');
    if (Date.now() - m.createdAt > 12 * 3600_000) return tsError(c, 404, 10036, 'Reference ID expired');
    return c.json({
      reference_id: m.referenceId,
      status: { code: m.statusCode, description: m.description, updated_on: m.updatedOn },
    });
  });

  // ---- control API (the "portal" and the phones) ----
  const publicAccount = (a: SimAccount) => ({
    customerId: a.customerId,
    apiKey: a.apiKey,
    suspended: a.suspended,
    allowedHost: a.allowedHost,
    callbackUrl: a.callbackUrl,
    numbers: [...a.numbers],
  });

  app.get('/sim', (c) => c.html(simulatorPage()));
  app.get('/sim/accounts', (c) => c.json([...accounts.values()].map(publicAccount)));
  app.post('/sim/accounts', async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as Partial<AddAccountInput>;
    return c.json(publicAccount(addAccount(b)), 201);
  });
  app.put('/sim/accounts/:customerId/callback-url', async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as { url?: string | null };
    if (b.url && !URL.canParse(b.url)) return c.json({ error: 'url is not a valid URL' }, 422);
    if (!setCallbackUrl(c.req.param('customerId'), b.url || null)) return c.json({ error: 'unknown customer' }, 404);
    return c.json(publicAccount(findAccount(c.req.param('customerId'))!));
  });
  app.post('/sim/accounts/:customerId/numbers', async (c) => {
    const a = findAccount(c.req.param('customerId'));
    const b = (await c.req.json().catch(() => ({}))) as { number?: string };
    if (!a) return c.json({ error: 'unknown customer' }, 404);
    if (!b.number || !/^\d{3,15}$/.test(b.number)) return c.json({ error: 'number must be digits' }, 422);
    a.numbers.add(b.number);
    return c.json(publicAccount(a));
  });
  app.get('/sim/phones/:number/messages', (c) => {
    const n = c.req.param('number');
    return c.json({ number: n, messages: phoneState(n).messages });
  });
  app.post('/sim/phones/:number/messages', async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as {
      to?: string;
      text?: string;
      media?: { contentType?: string; base64?: string }[];
    };
    if (!b.to || typeof b.text !== 'string') return c.json({ error: '{ to, text } is required' }, 422);
    const files = (Array.isArray(b.media) ? b.media : []).slice(0, 10).map((m) => ({
      contentType: typeof m.contentType === 'string' ? m.contentType : 'application/octet-stream',
      bytes: Buffer.from(typeof m.base64 === 'string' ? m.base64 : '', 'base64'),
    }));
    const r = phoneSend(c.req.param('number'), b.to, b.text, files);
    if ('error' in r) return c.json({ error: r.error }, 404);
    await Promise.race([r.done, new Promise((res) => setTimeout(res, retry.timeoutMs + 500))]);
    return c.json({ referenceId: r.referenceId, callback: r.record }, 202);
  });
  app.get('/sim/media/:id', (c) => {
    const m = media.get(c.req.param('id'));
    if (!m) return c.json({ error: 'no such media' }, 404);
    return c.body(new Uint8Array(m.bytes), 200, { 'Content-Type': m.contentType });
  });
  app.put('/sim/phones/:number/settings', async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as { deliveryCode?: number; optedOutFrom?: string[] };
    const p = phoneState(c.req.param('number'));
    if (typeof b.deliveryCode === 'number') p.deliveryCode = b.deliveryCode;
    if (Array.isArray(b.optedOutFrom)) p.optedOut = new Set(b.optedOutFrom);
    return c.json({ deliveryCode: p.deliveryCode, optedOutFrom: [...p.optedOut] });
  });
  app.get('/sim/callbacks', (c) => c.json(callbacks.map(({ body: _b, ...r }) => r)));
  app.get('/sim/faults', (c) => c.json(faults));
  app.post('/sim/faults', async (c) => {
    const b = (await c.req.json().catch(() => ({}))) as Partial<Faults>;
    setFaults(b);
    return c.json(faults);
  });
  app.delete('/sim/faults', (c) => {
    faults = { ...NO_FAULTS };
    return c.json(faults);
  });

  type AddAccountInput = {
    customerId?: string;
    apiKey?: string;
    suspended?: boolean;
    allowedHost?: boolean;
    callbackUrl?: string | null;
    numbers?: string[];
  };

  function addAccount(input: AddAccountInput = {}): SimAccount {
    const customerId =
      input.customerId ??
      randomBytes(16)
        .toString('hex')
        .toUpperCase()
        .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    const a: SimAccount = {
      customerId,
      apiKey: input.apiKey ?? randomBytes(48).toString('base64'),
      suspended: input.suspended ?? false,
      allowedHost: input.allowedHost ?? true,
      callbackUrl: input.callbackUrl ?? null,
      numbers: new Set(input.numbers ?? []),
    };
    accounts.set(customerId, a);
    return a;
  }

  function setCallbackUrl(customerId: string, url: string | null): boolean {
    const a = findAccount(customerId);
    if (!a) return false;
    a.callbackUrl = url;
    return true;
  }

  function setFaults(f: Partial<Faults>) {
    const next = { ...faults };
    for (const k of Object.keys(NO_FAULTS) as (keyof Faults)[]) {
      if (f[k] !== undefined) (next as Record<string, unknown>)[k] = f[k];
    }
    faults = next;
  }

  /** Media the simulated phones sent (MMS-style), served at /sim/media/{id} for the fetch. */
  const media = new Map<string, { contentType: string; bytes: Buffer }>();
  let mediaCounter = 0;

  function phoneSend(from: string, to: string, text: string, files: SimMedia[] = []) {
    const account = [...accounts.values()].find((a) => a.numbers.has(to));
    if (!account) return { error: `no account owns the number ${to}` } as const;
    if (!account.callbackUrl) return { error: `account ${account.customerId} has no callback URL` } as const;
    const referenceId = newReferenceId();
    const now = new Date().toISOString();
    phoneState(from).messages.push({
      direction: 'sent',
      referenceId,
      from,
      to,
      text,
      at: now,
      statusCode: 1500,
      externalId: null,
      segments: analyzeSms(text).segments,
    });
    const { record, done } = sendCallback(account, account.callbackUrl, 'mo_sms', {
      reference_id: referenceId,
      status: { code: 1500, description: STATUS_TEXT[1500], updated_on: now },
      submit_timestamp: now,
      errors: [],
      sub_resource: 'mo_sms',
      user_response: {
        phone_number: from,
        sender_id: to,
        mo_message: text,
        iso_country_code: 'US',
        ...keywordAction(text),
        // TeleSign documents no MMS callback for SMS numbers; this shape (a list of URL + type) is our guess, and
        // the parser accepts several (inbox/ingest/parse-callback.ts).
        ...(files.length
          ? {
              media: files.map((f) => {
                const id = `m${++mediaCounter}`;
                media.set(id, { contentType: f.contentType, bytes: f.bytes });
                return { url: `${url}/sim/media/${id}`, content_type: f.contentType };
              }),
            }
          : {}),
      },
    });
    return { referenceId, record, done };
  }

  const server = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: opts.host ?? '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    if (server.listening) resolve();
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.publicHost ?? '127.0.0.1'}:${port}`;

  return {
    url,
    port,
    app,
    addAccount: (input: AddAccountInput = {}) => publicAccount(addAccount(input)),
    setCallbackUrl,
    addNumber(customerId: string, number: string) {
      findAccount(customerId)?.numbers.add(number);
    },
    /** Act as a customer's phone. */
    phone(number: string) {
      return {
        /** Texts `to` (a support number); resolves when the first callback attempt finished. */
        async send(to: string, text: string) {
          const r = phoneSend(number, to, text);
          if ('error' in r) throw new Error(r.error);
          await r.done;
          return { referenceId: r.referenceId, callback: r.record };
        },
        /** An MMS-style message: text plus media the callback points at (served by the simulator). */
        async sendMedia(to: string, text: string, files: SimMedia[]) {
          const r = phoneSend(number, to, text, files);
          if ('error' in r) throw new Error(r.error);
          await r.done;
          return { referenceId: r.referenceId, callback: r.record };
        },
        /** Messages this phone received from businesses. */
        received: () => phoneState(number).messages.filter((m) => m.direction === 'received'),
        messages: () => phoneState(number).messages,
        /** Final delivery report code for messages to this phone (200 delivered; e.g. 210, 211, 510). */
        setDeliveryCode(code: number) {
          phoneState(number).deliveryCode = code;
        },
      };
    },
    faults: {
      set: setFaults,
      reset() {
        faults = { ...NO_FAULTS };
      },
      get: () => ({ ...faults }),
    },
    callbacks: () => callbacks,
    message: (referenceId: string) => messages.get(referenceId),
    /** Every message accepted with this external_id (more than one means the client sent it twice). */
    messagesWithExternalId: (externalId: string) => [...messages.values()].filter((m) => m.externalId === externalId),
    /** Waits until every callback now in flight finished (delivered or gave up). */
    async settle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      (server as Server).closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export type Simulator = Awaited<ReturnType<typeof startSimulator>>;

import type { Context, Hono } from 'hono';
import { authenticateRequest, type SimAccount } from './auth.js';
import { scheduleDelivery } from './delivery.js';
import type { SimMessage, SimState } from './state.js';
import { newReferenceId, parseSendForm, STATUS_TEXT, tsError } from './wire-format.js';

/**
 * TeleSign's SMS REST API: POST /v1/messaging and GET /v1/messaging/{reference_id}, each behind the injected faults and
 * real Basic or Digest (TSA) authentication.
 */

/** Injected faults, then authentication. Returns a Response to send instead, or the account. */
async function gate(s: SimState, c: Context, rawBody: string): Promise<Response | SimAccount> {
  if (s.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, s.faults.latencyMs));
  if (Math.random() < s.faults.timeoutRate) {
    await new Promise((r) => s.later(s.config.hangMs, () => r(undefined)));
    return tsError(c, 503, 10000, 'System Unavailable, please try again later');
  }
  if (Math.random() < s.faults.rate429) return tsError(c, 429, 10019, 'Rate Limit Exceeded');
  if (Math.random() < s.faults.rate503) return tsError(c, 503, 10000, 'System Unavailable, please try again later');
  if (Math.random() < s.faults.errorRate) return tsError(c, 500, 10000, 'System Unavailable, please try again later');
  const auth = authenticateRequest({
    headers: c.req.raw.headers,
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    rawBody,
    findAccount: s.findAccount,
    useNonce: s.useNonce,
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

export function addRestRoutes(app: Hono, s: SimState): void {
  app.post('/v1/messaging', async (c) => {
    const raw = await c.req.text();
    const gated = await gate(s, c, raw);
    if (gated instanceof Response) return gated;
    const account = gated;
    const parsed = parseSendForm(raw);
    if (!parsed.ok) return tsError(c, 400, parsed.code, parsed.description);
    const { phoneNumber, message, externalId, senderId, callbackUrl } = parsed.form;
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
    s.messages.set(m.referenceId, m);
    scheduleDelivery(s, m);
    s.config.log(`sent ${m.referenceId} to ${phoneNumber}: ${message.slice(0, 60)}`);
    return c.json({
      reference_id: m.referenceId,
      external_id: externalId,
      status: { code: 290, description: STATUS_TEXT[290], updated_on: m.updatedOn },
    });
  });

  // Not a documented TeleSign endpoint: the look-up by our external_id that smsdesk tries before re-sending a message
  // whose first attempt has an unknown outcome (a real TeleSign answers it otherwise, which the client tolerates).
  app.get('/v1/messaging', async (c) => {
    const gated = await gate(s, c, '');
    if (gated instanceof Response) return gated;
    const externalId = c.req.query('external_id');
    if (!externalId) return tsError(c, 400, 12016, 'Missing required parameter external_id');
    const found = [...s.messages.values()]
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
    const gated = await gate(s, c, '');
    if (gated instanceof Response) return gated;
    const ref = c.req.param('referenceId');
    if (!/^[0-9A-Fa-f]{32}$/.test(ref)) return tsError(c, 400, 11011, 'Invalid value for parameter reference_id');
    const m = s.messages.get(ref.toUpperCase());
    if (!m || m.customerId !== gated.customerId) return tsError(c, 404, 10017, 'Customer ID / Reference ID not found');
    if (Date.now() - m.createdAt > 12 * 3600_000) return tsError(c, 404, 10036, 'Reference ID expired');
    return c.json({
      reference_id: m.referenceId,
      status: { code: m.statusCode, description: m.description, updated_on: m.updatedOn },
    });
  });
}

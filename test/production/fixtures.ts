import { createHmac, randomBytes } from 'node:crypto';
import { expect } from 'vitest';

/** Seeding and TeleSign callbacks against running API processes (test/support/processes.ts), over HTTP only. */

export const ADMIN_HEADERS = {
  authorization: 'Bearer test-admin-token-0123456789',
  'content-type': 'application/json',
};

export type Channel = { accountId: string; customerId: string; apiKey: string; supportNumber: string };

export async function callApi(apiUrl: string, path: string, init: RequestInit = {}) {
  const res = await fetch(`${apiUrl}${path}`, { ...init, headers: { ...ADMIN_HEADERS, ...(init.headers ?? {}) } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function create(apiUrl: string, path: string, body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await callApi(apiUrl, path, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status, `POST ${path}: ${JSON.stringify(res.body)}`).toBe(201);
  return res.body;
}

/**
 * Through the setup API: a messaging account, a number, a queue, a workstream and the SMS channel tying them
 * together, so an inbound SMS to `supportNumber` is routed. Later issues extend this to the full seed flow.
 */
export async function seedChannel(apiUrl: string, name: string, supportNumber: string): Promise<Channel> {
  const customerId = `CUST-${randomBytes(4).toString('hex').toUpperCase()}`;
  const apiKey = randomBytes(32).toString('base64');
  const account = await create(apiUrl, '/api/v1/messaging-accounts', {
    name,
    provider: 'telesign',
    customerId,
    apiKey,
  });
  const number = await create(apiUrl, `/api/v1/messaging-accounts/${account.id}/phone-numbers`, {
    number: supportNumber,
    type: 'geo',
  });
  const queue = await create(apiUrl, '/api/v1/queues', {
    name: `${name} queue`,
    assignmentMethod: 'highest_capacity',
    agentIds: [],
  });
  const workstream = await create(apiUrl, '/api/v1/workstreams', {
    name: `${name} workstream`,
    distributionMode: 'push',
    defaultQueueId: queue.id,
  });
  await create(apiUrl, `/api/v1/workstreams/${workstream.id}/sms-channels`, {
    phoneNumberId: number.id,
    language: 'en',
    attachments: { customersCanSend: false, agentsCanSend: false },
  });
  return { accountId: account.id, customerId, apiKey, supportNumber };
}

/** TeleSign's callback signature (contract: base64 HMAC-SHA256 keyed by the base64-decoded API key, raw body). */
export function signedHeaders(channel: Channel, body: string): Record<string, string> {
  const sig = createHmac('sha256', Buffer.from(channel.apiKey, 'base64')).update(body).digest('base64');
  return {
    'content-type': 'application/json',
    authorization: `TSA ${channel.customerId}:${sig}`,
    'x-ts-authorization': sig,
  };
}

/** Posts a signed mo_sms callback as TeleSign would; returns the response. */
export async function postMo(
  apiUrl: string,
  channel: Channel,
  customerNumber: string,
  text: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const body = JSON.stringify({
    reference_id: `REF${randomBytes(8).toString('hex')}`,
    status: { code: 1500, description: 'Delivered to customer', updated_on: new Date().toISOString() },
    submit_timestamp: new Date().toISOString(),
    errors: [],
    sub_resource: 'mo_sms',
    user_response: { phone_number: customerNumber, sender_id: channel.supportNumber, mo_message: text },
  });
  return fetch(`${apiUrl}/webhooks/telesign/${channel.accountId}`, {
    method: 'POST',
    headers: { ...signedHeaders(channel, body), ...headers },
    body,
  });
}

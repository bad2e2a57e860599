import { randomBytes } from 'node:crypto';
import type { Config } from '../../../config/env.js';
import type { Db } from '../../../db/client.js';
import { messagingAccounts, phoneNumbers, queues, smsChannels, workstreams } from '../../../db/schema/index.js';
import { encryptSecret, keyringFromConfig } from '../../../lib/secrets.js';
import { callbackHeaders } from '../../../telesign/signature.js';

export type TestAccount = { id: string; customerId: string; apiKey: string };

/** A messaging account (API key encrypted like the setup API does) with an SMS channel on each of `numbers`. */
export async function createAccount(
  db: Db,
  config: Config,
  opts: {
    numbers?: string[];
    unservedNumbers?: string[];
    enabled?: boolean;
    customerId?: string;
    apiKey?: string;
  } = {},
): Promise<TestAccount> {
  const customerId = opts.customerId ?? `CUST-${randomBytes(4).toString('hex').toUpperCase()}`;
  const apiKey = opts.apiKey ?? randomBytes(48).toString('base64');
  const [acc] = await db
    .insert(messagingAccounts)
    .values({
      name: `acc ${customerId}`,
      customerId,
      apiKeyCiphertext: encryptSecret(apiKey, keyringFromConfig(config)),
      apiKeyHint: `…${apiKey.slice(-4)}`,
      enabled: opts.enabled ?? true,
    })
    .returning();
  const numbers = opts.numbers ?? [];
  if (numbers.length) {
    const [q] = await db
      .insert(queues)
      .values({ name: `q-${randomBytes(4).toString('hex')}` })
      .returning();
    const [ws] = await db
      .insert(workstreams)
      .values({ name: `ws-${customerId}`, defaultQueueId: q!.id })
      .returning();
    for (const number of numbers) {
      const [pn] = await db.insert(phoneNumbers).values({ accountId: acc!.id, number, type: 'geo' }).returning();
      await db.insert(smsChannels).values({ workstreamId: ws!.id, phoneNumberId: pn!.id });
    }
  }
  for (const number of opts.unservedNumbers ?? []) {
    await db.insert(phoneNumbers).values({ accountId: acc!.id, number, type: 'geo' });
  }
  return { id: acc!.id, customerId, apiKey };
}

export const ref = () => randomBytes(16).toString('hex').toUpperCase();

export function moBody(o: { referenceId?: string; from: string; to: string; text: string }) {
  const now = new Date().toISOString();
  return {
    reference_id: o.referenceId ?? ref(),
    status: { code: 1500, description: 'Delivered to customer', updated_on: now },
    submit_timestamp: now,
    errors: [],
    sub_resource: 'mo_sms',
    user_response: {
      phone_number: o.from,
      sender_id: o.to,
      mo_message: o.text,
      iso_country_code: 'US',
      keyword: '',
      action: 'generic',
    },
  };
}

export function dlrBody(o: { referenceId: string; code: number; externalId?: string | null; subResource?: boolean }) {
  return {
    reference_id: o.referenceId,
    status: { code: o.code, description: `status ${o.code}`, updated_on: new Date().toISOString() },
    submit_timestamp: new Date().toISOString(),
    errors: [],
    ...(o.subResource === false ? {} : { sub_resource: 'sms' }),
    external_id: o.externalId ?? null,
  };
}

type AppLike = { request: (path: string, init: RequestInit) => Response | Promise<Response> };

/** Posts a callback signed the way TeleSign signs it (both headers), unless `headers` replaces them. */
export function postCallback(
  app: AppLike,
  account: Pick<TestAccount, 'id' | 'customerId' | 'apiKey'>,
  body: unknown,
  opts: { headers?: Record<string, string>; raw?: string } = {},
) {
  const raw = opts.raw ?? JSON.stringify(body);
  const headers = opts.headers ?? callbackHeaders(account.customerId, account.apiKey, raw);
  return app.request(`/webhooks/telesign/${account.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
}

/**
 * Sets up a complete SMS channel through the public API only:
 * messaging account → number → validate → queue → agent → workstream → SMS channel → routing rule.
 * Prints the callback URL (send it to TeleSign support) and the new agent's token (shown once).
 *
 *   SMSDESK_URL=http://localhost:3000 SMSDESK_TOKEN=<admin token> \
 *   TELESIGN_CUSTOMER_ID=... TELESIGN_API_KEY=... SMS_NUMBER=14252306549 \
 *   npx tsx examples/provision.ts
 *
 * Optional: TELESIGN_REST_ENDPOINT (account-specific host), SMS_LANGUAGE (en), AGENT_NAME, AGENT_EMAIL.
 * Re-running reuses the account, number, queue and workstream it created before (matched by name/number).
 */
import { pathToFileURL } from 'node:url';

export type ProvisionOptions = {
  baseUrl: string;
  token: string;
  customerId: string;
  apiKey: string;
  number: string;
  restEndpoint?: string;
  language?: string;
  agentName?: string;
  agentEmail?: string;
  fetch?: typeof fetch;
  log?: (line: string) => void;
};

export type ProvisionResult = {
  accountId: string;
  callbackUrl: string;
  validation: { valid: boolean; reason?: string };
  phoneNumberId: string;
  queueId: string;
  agentId: string;
  agentToken: string;
  workstreamId: string;
  channelId: string;
  routingRuleId: string;
};

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { detail?: string } | null,
    what: string,
  ) {
    super(`${what} failed: ${status} ${problem?.detail ?? ''}`.trim());
  }
}

export async function provision(o: ProvisionOptions): Promise<ProvisionResult> {
  const doFetch = o.fetch ?? fetch;
  const log = o.log ?? (() => {});
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await doFetch(`${o.baseUrl.replace(/\/+$/, '')}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${o.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) throw new ApiError(res.status, json, `${method} ${path}`);
    return json as T;
  };
  type Item = { id: string; name?: string; number?: string };

  const accountName = `TeleSign ${o.customerId.slice(0, 8)}`;
  const accounts = await api<{ items: (Item & { callbackUrl: string; customerId: string })[] }>(
    'GET',
    '/messaging-accounts',
  );
  let account = accounts.items.find((a) => a.customerId === o.customerId);
  if (account) {
    // Keep the stored key current (rotation is audited server-side).
    account = await api('PATCH', `/messaging-accounts/${account.id}`, {
      apiKey: o.apiKey,
      ...(o.restEndpoint ? { restEndpoint: o.restEndpoint } : {}),
    });
    log(`account       ${account!.id} (existing, key updated)`);
  } else {
    account = await api('POST', '/messaging-accounts', {
      name: accountName,
      provider: 'telesign',
      customerId: o.customerId,
      apiKey: o.apiKey,
      ...(o.restEndpoint ? { restEndpoint: o.restEndpoint } : {}),
    });
    log(`account       ${account!.id}`);
  }
  const accountId = account!.id;

  const numbers = await api<{ items: Item[] }>('GET', '/phone-numbers');
  const phone =
    numbers.items.find((n) => n.number === o.number) ??
    (await api<Item>('POST', `/messaging-accounts/${accountId}/phone-numbers`, {
      number: o.number,
      type: 'geo',
      description: 'provisioned by examples/provision.ts',
    }));
  log(`number        ${o.number} (${phone.id})`);

  const validation = await api<{ valid: boolean; reason?: string }>(
    'POST',
    `/messaging-accounts/${accountId}/validate`,
  );
  log(`validation    ${validation.valid ? 'valid' : `INVALID: ${validation.reason}`}`);

  const queues = await api<{ items: Item[] }>('GET', '/queues');
  const queueName = `SMS ${o.number}`;
  const queue =
    queues.items.find((q) => q.name === queueName) ??
    (await api<Item>('POST', '/queues', { name: queueName, assignmentMethod: 'round_robin', agentIds: [] }));
  const vipQueueName = `SMS ${o.number} priority`;
  const vipQueue =
    queues.items.find((q) => q.name === vipQueueName) ??
    (await api<Item>('POST', '/queues', { name: vipQueueName, assignmentMethod: 'highest_capacity', priority: 10 }));
  log(`queues        ${queue.id}, ${vipQueue.id} (priority)`);

  const agent = await api<Item & { token: string }>('POST', '/agents', {
    name: o.agentName ?? 'First agent',
    ...(o.agentEmail ? { email: o.agentEmail } : {}),
    role: 'agent',
    capacity: 5,
  });
  // Membership is on queues: add the agent to both (PATCH replaces the member list).
  for (const q of [queue, vipQueue]) {
    const current = await api<{ agentIds: string[] }>('GET', `/queues/${q.id}`);
    await api('PATCH', `/queues/${q.id}`, { agentIds: [...new Set([...current.agentIds, agent.id])] });
  }
  log(`agent         ${agent.id}`);

  const workstreams = await api<{ items: Item[] }>('GET', '/workstreams');
  const wsName = `SMS ${o.number}`;
  const workstream =
    workstreams.items.find((w) => w.name === wsName) ??
    (await api<Item>('POST', '/workstreams', { name: wsName, distributionMode: 'push', defaultQueueId: queue.id }));
  log(`workstream    ${workstream.id}`);

  const channels = await api<{ items: (Item & { phoneNumberId: string })[] }>(
    'GET',
    `/workstreams/${workstream.id}/sms-channels`,
  );
  const channel =
    channels.items.find((c) => c.phoneNumberId === phone.id) ??
    (await api<Item>('POST', `/workstreams/${workstream.id}/sms-channels`, {
      phoneNumberId: phone.id,
      language: o.language ?? 'en',
      attachments: { customersCanSend: false, agentsCanSend: false },
      automatedMessages: {},
    }));
  log(`sms channel   ${channel.id}`);

  const rules = await api<{ items: (Item & { order: number })[] }>(
    'GET',
    `/workstreams/${workstream.id}/routing-rules`,
  );
  const rule =
    rules.items.find((r) => r.name === 'Urgent words') ??
    (await api<Item>('POST', `/workstreams/${workstream.id}/routing-rules`, {
      name: 'Urgent words',
      order: 10,
      conditions: [{ field: 'message.text', operator: 'matches', value: '\\b(urgent|asap|fraud)\\b' }],
      queueId: vipQueue.id,
      priority: 10,
    }));
  log(`routing rule  ${rule.id}`);

  return {
    accountId,
    callbackUrl: account!.callbackUrl,
    validation,
    phoneNumberId: phone.id,
    queueId: queue.id,
    agentId: agent.id,
    agentToken: agent.token,
    workstreamId: workstream.id,
    channelId: channel.id,
    routingRuleId: rule.id,
  };
}

async function main() {
  const env = process.env;
  const missing = ['SMSDESK_TOKEN', 'TELESIGN_CUSTOMER_ID', 'TELESIGN_API_KEY', 'SMS_NUMBER'].filter((k) => !env[k]);
  if (missing.length > 0) {
    console.error(`missing environment: ${missing.join(', ')} (see the comment at the top of examples/provision.ts)`);
    process.exit(2);
  }
  const result = await provision({
    baseUrl: env.SMSDESK_URL ?? 'http://localhost:3000',
    token: env.SMSDESK_TOKEN!,
    customerId: env.TELESIGN_CUSTOMER_ID!,
    apiKey: env.TELESIGN_API_KEY!,
    number: env.SMS_NUMBER!,
    restEndpoint: env.TELESIGN_REST_ENDPOINT,
    language: env.SMS_LANGUAGE,
    agentName: env.AGENT_NAME,
    agentEmail: env.AGENT_EMAIL,
    log: (line) => console.log(line),
  });
  console.log('');
  console.log(`Callback URL (send to TeleSign support with your Customer ID): ${result.callbackUrl}`);
  console.log(`Agent token (shown once, store it now): ${result.agentToken}`);
  if (!result.validation.valid) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

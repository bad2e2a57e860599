import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The live demo `npm start` sets up on an empty data dir, entirely through the public HTTP API with the bootstrap
 * admin token (the same code paths a user's clicks take): the simulator's TeleSign account with its callback URL
 * set in the simulator, a validated messaging account, the demo number, a queue, a workstream, an SMS channel, a
 * demo agent (Available, capacity 3) in the queue and a demo supervisor. Every start then asks the API for fresh
 * one-time sign-in links for the admin, the agent and the supervisor.
 */

export type DemoSimulator = { url: string; customerId: string; apiKey: string; numbers: string[] };

/** What a later start needs to find the demo again; ids only, no secrets. */
export type DemoState = {
  accountId: string;
  number: string;
  queueId: string;
  workstreamId: string;
  channelId: string;
  agentId: string;
  supervisorId: string;
};

export type SignInLink = { who: string; name: string; url: string; expiresAt: string };

export const DEMO_FILE = 'demo.json';
export const DEMO_AGENT = { name: 'Demo Agent', email: 'agent@demo.smsdesk.local', capacity: 3 } as const;
export const DEMO_SUPERVISOR = { name: 'Demo Supervisor', email: 'supervisor@demo.smsdesk.local' } as const;

export class DemoError extends Error {
  override name = 'DemoError';
}

type Api = <T>(method: string, path: string, body?: unknown, token?: string) => Promise<T>;

function apiClient(baseUrl: string, adminToken: string): Api {
  return async <T>(method: string, path: string, body?: unknown, token = adminToken): Promise<T> => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) throw new DemoError(`demo setup: ${method} ${path} answered ${res.status}: ${json?.detail ?? text}`);
    return json as T;
  };
}

export function readDemoState(dataDir: string): DemoState | null {
  const file = join(dataDir, DEMO_FILE);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as DemoState;
}

/** Creates the demo channel. Run once, on a data dir without demo.json and without messaging accounts. */
export async function provisionDemo(opts: {
  apiUrl: string;
  adminToken: string;
  simulator: DemoSimulator;
  dataDir: string;
}): Promise<DemoState> {
  const api = apiClient(opts.apiUrl, opts.adminToken);
  const sim = opts.simulator;
  const number = sim.numbers[0];
  if (!number) throw new DemoError('demo setup: the simulator has no demo number (SIMULATOR_NUMBERS is empty)');

  const account = await api<{ id: string; callbackUrl: string }>('POST', '/messaging-accounts', {
    name: 'Demo TeleSign (simulator)',
    provider: 'telesign',
    customerId: sim.customerId,
    apiKey: sim.apiKey,
    restEndpoint: sim.url,
  });
  // TeleSign support would register the callback URL; the simulator's portal API does it here.
  const registered = await fetch(`${sim.url}/sim/accounts/${encodeURIComponent(sim.customerId)}/callback-url`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: account.callbackUrl }),
  });
  if (!registered.ok) throw new DemoError(`demo setup: the simulator refused the callback URL (${registered.status})`);

  await api('POST', `/messaging-accounts/${account.id}/phone-numbers`, {
    number,
    type: 'geo',
    description: 'demo number on the TeleSign simulator',
  });
  const validation = await api<{ valid: boolean; reason?: string }>(
    'POST',
    `/messaging-accounts/${account.id}/validate`,
  );
  if (!validation.valid)
    throw new DemoError(`demo setup: the simulator account did not validate: ${validation.reason}`);

  const agent = await api<{ id: string; token: string }>('POST', '/agents', { ...DEMO_AGENT, role: 'agent' });
  const supervisor = await api<{ id: string }>('POST', '/agents', {
    ...DEMO_SUPERVISOR,
    role: 'supervisor',
    capacity: 0,
  });
  const queue = await api<{ id: string }>('POST', '/queues', {
    name: 'Demo queue',
    assignmentMethod: 'round_robin',
    agentIds: [agent.id],
  });
  const workstream = await api<{ id: string }>('POST', '/workstreams', {
    name: 'Demo SMS',
    distributionMode: 'push',
    defaultQueueId: queue.id,
  });
  const phones = await api<{ items: { id: string; number: string }[] }>('GET', '/phone-numbers');
  const phone = phones.items.find((p) => p.number === number);
  if (!phone) throw new DemoError(`demo setup: number ${number} is missing after creating it`);
  const channel = await api<{ id: string }>('POST', `/workstreams/${workstream.id}/sms-channels`, {
    phoneNumberId: phone.id,
    language: 'en',
    attachments: { customersCanSend: false, agentsCanSend: false },
    automatedMessages: {},
  });
  // The agent makes itself Available, as the workspace's presence menu does.
  await api('PUT', '/me/presence', { presence: 'available' }, agent.token);

  const state: DemoState = {
    accountId: account.id,
    number,
    queueId: queue.id,
    workstreamId: workstream.id,
    channelId: channel.id,
    agentId: agent.id,
    supervisorId: supervisor.id,
  };
  writeFileSync(join(opts.dataDir, DEMO_FILE), `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

/** Fresh one-time sign-in links for the admin (and the demo's agent and supervisor when there is a demo). */
export async function signInLinks(opts: {
  apiUrl: string;
  adminToken: string;
  demo: DemoState | null;
}): Promise<SignInLink[]> {
  const api = apiClient(opts.apiUrl, opts.adminToken);
  const me = await api<{ id: string; name: string }>('GET', '/me');
  const users: { who: string; id: string }[] = [{ who: 'Admin', id: me.id }];
  if (opts.demo) {
    users.push({ who: 'Agent', id: opts.demo.agentId }, { who: 'Supervisor', id: opts.demo.supervisorId });
  }
  const all = await api<{ items: { id: string; name: string }[] }>('GET', '/agents');
  const links: SignInLink[] = [];
  for (const u of users) {
    const found = all.items.find((a) => a.id === u.id);
    if (!found) continue; // deleted since the demo was made
    const link = await api<{ url: string; expiresAt: string }>('POST', `/agents/${u.id}/login-links`, {});
    links.push({ who: u.who, name: found.name, url: link.url, expiresAt: link.expiresAt });
  }
  return links;
}

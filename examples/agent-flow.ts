/**
 * Plays one agent through a conversation using only the public HTTP API (no database access):
 * me → presence available → live events → (customer texts) → offer → accept → transcript → reply → delivery →
 * internal note → end (wrap-up) → close. Run it after examples/provision.ts, with the agent token it printed.
 *
 *   SMSDESK_URL=http://localhost:3000 SMSDESK_AGENT_TOKEN=<agent token> \
 *   SIMULATOR_URL=http://localhost:3001 SMS_NUMBER=<support number> CUSTOMER_NUMBER=15550001234 \
 *   npx tsx examples/agent-flow.ts
 *
 * Without SIMULATOR_URL the script waits (TIMEOUT_SECONDS, default 120) for a real customer to text the number.
 * In a pick-mode workstream no offer comes; the script then picks the oldest item of GET /me/backlog.
 */
import { pathToFileURL } from 'node:url';

export type AgentFlowOptions = {
  baseUrl: string;
  token: string;
  /** Drive the customer's handset through the TeleSign simulator (npm start runs one). */
  simulator?: { url: string; supportNumber: string; customerNumber: string };
  customerText?: string;
  replyText?: string;
  timeoutMs?: number;
  log?: (line: string) => void;
};

export type AgentFlowResult = {
  agentId: string;
  conversationId: string;
  replyMessageId: string;
  replyStatus: string;
  finalState: string;
  eventsSeen: string[];
};

type Problem = { status: number; detail?: string };
type Conversation = {
  id: string;
  state: string;
  agentId: string | null;
  offeredAgentId?: string | null;
  customer: { number: string; optedOut: boolean };
  workflow: { uiUrl: string };
  messages: { id: string; direction: string; text: string; status: string }[];
};
type SseEvent = { event: string; id?: string; data: Record<string, unknown> };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
    what: string,
  ) {
    super(`${what} → ${status} ${problem?.detail ?? ''}`.trim());
  }
}

export async function agentFlow(o: AgentFlowOptions): Promise<AgentFlowResult> {
  const base = o.baseUrl.replace(/\/+$/, '');
  const log = o.log ?? (() => {});
  const timeoutMs = o.timeoutMs ?? 120_000;
  const headers = { authorization: `Bearer ${o.token}` };
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => null);
    if (!res.ok) throw new ApiError(res.status, json, `${method} ${path}`);
    return json as T;
  };
  /** Expects a problem with this status (the contract's error semantics). */
  const expectProblem = async (status: number, method: string, path: string, body?: unknown) => {
    try {
      await api(method, path, body);
    } catch (err) {
      if (err instanceof ApiError && err.status === status) return err;
      throw err;
    }
    throw new Error(`${method} ${path} should have failed with ${status}`);
  };

  const me = await api<{ id: string; name: string; role: string; capacity: { total: number; used: number } }>(
    'GET',
    '/me',
  );
  log(`agent        ${me.name} (${me.id}), capacity ${me.capacity.used}/${me.capacity.total}`);
  await api('PUT', '/me/presence', { presence: 'available' });
  log('presence     available');

  const events = await openEvents(`${base}/api/v1/events`, headers);
  const eventsSeen: string[] = [];
  try {
    await events.next((e) => e.event === 'ready', 10_000);
    log('events       connected');

    if (o.simulator) {
      const s = o.simulator;
      const res = await fetch(`${s.url.replace(/\/+$/, '')}/sim/phones/${s.customerNumber}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: s.supportNumber, text: o.customerText ?? 'Hi, where is my order #1234?' }),
      });
      if (!res.ok) throw new Error(`simulator refused the customer SMS: ${res.status} ${await res.text()}`);
      log(`customer     ${s.customerNumber} texted ${s.supportNumber}`);
    } else {
      log('customer     waiting for a customer to text the support number…');
    }

    // Push mode: an offer (or, with auto-accept, an update that makes us the owner). Pick mode: the backlog.
    const deadline = Date.now() + timeoutMs;
    let conversationId: string | null = null;
    let offered = false;
    while (!conversationId && Date.now() < deadline) {
      const e = await events
        .next((x) => x.event === 'conversation.offered' || x.event === 'conversation.updated', 2_000)
        .catch(() => null);
      if (e) {
        eventsSeen.push(e.event);
        const id = String(e.data.conversationId);
        if (e.event === 'conversation.offered' && e.data.agentId === me.id) {
          conversationId = id;
          offered = true;
        } else if (e.event === 'conversation.updated' && e.data.agentId === me.id) {
          conversationId = id;
        }
        continue;
      }
      const backlog = await api<{ items: { id: string }[] }>('GET', '/me/backlog?limit=1');
      if (backlog.items[0]) {
        conversationId = backlog.items[0].id;
        await api('POST', `/conversations/${conversationId}/pick`);
        log(`picked       ${conversationId} from the backlog`);
      }
    }
    if (!conversationId) throw new Error(`no conversation reached the agent within ${timeoutMs / 1000} s`);

    let conv = await api<Conversation>('GET', `/conversations/${conversationId}`);
    if (offered && conv.state === 'open') {
      conv = await api<Conversation>('POST', `/conversations/${conversationId}/accept`);
      log(`accepted     ${conversationId} → ${conv.state}`);
    }
    if (conv.state !== 'active' || conv.agentId !== me.id) {
      throw new Error(`expected the conversation active and ours, got ${conv.state} / ${conv.agentId}`);
    }
    log(`workflow     ${conv.workflow.uiUrl}`);
    for (const m of conv.messages) log(`  ${m.direction.padEnd(9)} ${m.status.padEnd(9)} ${m.text}`);

    // The contract's send rules, checked on the live conversation (nothing is sent).
    await expectProblem(422, 'POST', `/conversations/${conversationId}/messages`, { text: '' });
    await expectProblem(422, 'POST', `/conversations/${conversationId}/messages`, { text: 'x'.repeat(1601) });
    log('checks       empty and over-long replies are refused with 422');

    if (conv.customer.optedOut) throw new Error('the customer has opted out; replying would answer 409 opted_out');
    const reply = await api<{ id: string; status: string }>('POST', `/conversations/${conversationId}/messages`, {
      text: o.replyText ?? 'Hello! Your order ships today. Anything else I can help with?',
    });
    log(`reply        ${reply.id} ${reply.status}`);

    // Delivery: message.status events for our message until TeleSign reports a final status.
    let replyStatus = reply.status;
    const until = Date.now() + 60_000;
    while (!['delivered', 'failed', 'blocked'].includes(replyStatus) && Date.now() < until) {
      const e = await events.next((x) => x.event === 'message.status', 5_000).catch(() => null);
      if (e) eventsSeen.push(e.event);
      if (e && e.data.messageId !== undefined && e.data.messageId !== reply.id) continue;
      const fresh = await api<Conversation>('GET', `/conversations/${conversationId}`);
      replyStatus = fresh.messages.find((m) => m.id === reply.id)?.status ?? replyStatus;
    }
    log(`delivery     ${replyStatus}`);

    if (o.simulator) {
      const s = o.simulator;
      const phone = (await (
        await fetch(`${s.url.replace(/\/+$/, '')}/sim/phones/${s.customerNumber}/messages`)
      ).json()) as { messages: { text?: string }[] };
      const got = phone.messages.some((m) => m.text?.includes('Your order ships today'));
      log(`handset      ${got ? 'received the reply' : 'has NOT received the reply'}`);
    }

    await api('POST', `/conversations/${conversationId}/notes`, { text: 'Customer asked about order #1234.' });
    log('note         added (internal, not sent)');
    conv = await api<Conversation>('POST', `/conversations/${conversationId}/end`);
    log(`end          → ${conv.state}`);
    conv = await api<Conversation>('POST', `/conversations/${conversationId}/close`);
    log(`close        → ${conv.state}`);
    const closedProblem = await expectProblem(409, 'POST', `/conversations/${conversationId}/messages`, {
      text: 'one more thing',
    });
    log(`checks       sending to a closed conversation → 409 (${closedProblem.problem?.detail})`);

    return {
      agentId: me.id,
      conversationId,
      replyMessageId: reply.id,
      replyStatus,
      finalState: conv.state,
      eventsSeen,
    };
  } finally {
    await events.close();
  }
}

/** A small Server-Sent Events reader over fetch (EventSource cannot send the Authorization header). */
async function openEvents(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  if (!res.ok || !res.body) throw new ApiError(res.status, await res.json().catch(() => null), 'GET /events');
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const queue: SseEvent[] = [];
  const waiter: { wake?: () => void } = {};
  let buffer = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const e: SseEvent = { event: 'message', data: {} };
          const data: string[] = [];
          for (const line of frame.split('\n')) {
            const [field, ...rest] = line.split(':');
            const v = rest.join(':').replace(/^ /, '');
            if (field === 'event') e.event = v;
            else if (field === 'id') e.id = v;
            else if (field === 'data') data.push(v);
          }
          try {
            e.data = JSON.parse(data.join('\n'));
          } catch {}
          queue.push(e);
          waiter.wake?.();
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    async next(pred: (e: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = queue.findIndex(pred);
        if (i >= 0) return queue.splice(0, i + 1).at(-1)!;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('timeout waiting for an event');
        await new Promise<void>((r) => {
          const t = setTimeout(r, left);
          waiter.wake = () => {
            clearTimeout(t);
            r();
          };
        });
        waiter.wake = undefined;
      }
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = process.env;
  if (!env.SMSDESK_AGENT_TOKEN) {
    console.error('Set SMSDESK_AGENT_TOKEN (printed by examples/provision.ts) and SMSDESK_URL.');
    process.exit(2);
  }
  agentFlow({
    baseUrl: env.SMSDESK_URL ?? 'http://localhost:3000',
    token: env.SMSDESK_AGENT_TOKEN,
    simulator:
      env.SIMULATOR_URL && env.SMS_NUMBER
        ? {
            url: env.SIMULATOR_URL,
            supportNumber: env.SMS_NUMBER,
            customerNumber: env.CUSTOMER_NUMBER ?? '15550001234',
          }
        : undefined,
    timeoutMs: Number(env.TIMEOUT_SECONDS ?? 120) * 1000,
    log: (line) => console.log(line),
  })
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    })
    .catch((err) => {
      console.error(String(err));
      process.exit(1);
    });
}

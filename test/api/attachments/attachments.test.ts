import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackgroundServices } from '../../../api/background.js';
import { listen } from '../../../api/server.js';
import { attachmentLinks, attachments, messages } from '../../../db/schema/index.js';
import { createLogger } from '../../../lib/logger.js';
import { type Simulator, startSimulator } from '../../../telesign/simulator/server.js';
import { conversationWorkflowId } from '../../../temporal/ids.js';
import { inboundSignal } from '../../../workflows/definitions.js';
import { createAgent, newCustomerNumber, type SeededChannel, seedChannel } from '../../support/seed.js';
import { createTestStack, eventually, type TestStack } from '../../support/stack.js';
import { conversationOf, fileForm, HTML_AS_PDF, PDF, png, setToggles, tokenIn } from './support.js';

// Attachments end to end over real HTTP: TeleSign simulator ⇄ webhook ⇄ workflow ⇄ API, real PostgreSQL storage.
let s: TestStack;
let sim: Simulator;
let server: Awaited<ReturnType<typeof listen>>;
let background: Awaited<ReturnType<typeof startBackgroundServices>>;
let base: string;
let ch: SeededChannel;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, dlrDelaysMs: [50, 150] });
  s = await createTestStack({
    env: { TELESIGN_BASE_URL: sim.url, INBOX_RELAY_INTERVAL_MS: '200', ATTACHMENT_MAX_BYTES: '65536' },
  });
  const deps = { config: s.config, db: s.db.db, sql: s.db.sql, temporal: s.temporal, logger: createLogger('silent') };
  background = await startBackgroundServices(deps);
  server = await listen(s.app, 0, '127.0.0.1');
  base = `http://127.0.0.1:${server.port}`;
  ch = await seedChannel(s.db.db, s.config, sim, { agents: [{ capacity: 20 }] });
  sim.setCallbackUrl(ch.customerId, `${base}/webhooks/telesign/${ch.accountId}`);
});
afterAll(async () => {
  await server?.close();
  await background?.stop();
  await s?.close();
  await sim?.stop();
});

const api = (path: string, init: RequestInit & { as?: { authorization: string } } = {}) =>
  fetch(`${base}/api/v1${path}`, { ...init, headers: { ...(init.as ?? {}), ...(init.headers ?? {}) } });

/** A customer texts in; the seeded agent accepts. */
async function activeConversation(customer = newCustomerNumber()) {
  const agent = ch.agents[0]!;
  await sim.phone(customer).send(ch.supportNumber, 'Hello, I need help');
  const conv = await eventually(async () => {
    const c = await conversationOf(s.db.db, customer);
    return c?.offeredAgentId === agent.id ? c : undefined;
  });
  const res = await api(`/conversations/${conv.id}/accept`, { method: 'POST', as: agent.headers });
  expect(res.status).toBe(200);
  return { id: conv.id, customer, agent };
}

const lastReceived = (customer: string) => eventually(async () => sim.phone(customer).received().at(-1));

describe('agents send files', () => {
  it('sends a PDF as a link the phone receives, and the link downloads the same bytes', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: true, customersCanSend: false });
    const { id, customer, agent } = await activeConversation();
    const res = await api(`/conversations/${id}/attachments`, {
      method: 'POST',
      as: agent.headers,
      body: fileForm(PDF, 'invoice.pdf', 'application/pdf'),
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const sent = (await res.json()) as { id: string; contentType: string; size: number; messageId: string };
    expect(sent).toMatchObject({ contentType: 'application/pdf', size: PDF.length, fileName: 'invoice.pdf' });

    const sms = await eventually(async () => {
      const m = await lastReceived(customer);
      return m.text.includes('/f/') ? m : undefined;
    });
    expect(sms.text).toMatch(/^invoice\.pdf: http:\/\/smsdesk\.test\/f\/[A-Za-z0-9_-]{22}$/);
    const token = tokenIn(sms.text, 'f');

    const meta = await api(`/public/files/${token}`);
    expect(await meta.json()).toMatchObject({
      fileName: 'invoice.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
    });
    const file = await api(`/public/files/${token}/content`);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="invoice\.pdf"/);
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);

    // The transcript has the link message, counted in segments, with its delivery status reaching the file.
    const msg = await s.db.db.query.messages.findFirst({ where: eq(messages.id, sent.messageId) });
    expect(msg).toMatchObject({ direction: 'outbound', text: sms.text, segments: 1 });
    const list = await eventually(async () => {
      const r = (await (await api(`/conversations/${id}/attachments`, { as: agent.headers })).json()) as {
        items: { id: string; messageStatus: string; link: { downloads: number } }[];
      };
      return r.items[0]?.messageStatus === 'delivered' ? r : undefined;
    });
    expect(list.items[0]).toMatchObject({ id: sent.id, link: { downloads: 1 } });
  });

  it('refuses a file named .pdf whose content is HTML (415), and files over the limit (413)', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: true, customersCanSend: false });
    const { id, agent } = await activeConversation();
    const html = await api(`/conversations/${id}/attachments`, {
      method: 'POST',
      as: agent.headers,
      body: fileForm(HTML_AS_PDF, 'invoice.pdf', 'application/pdf'),
    });
    expect(html.status).toBe(415);
    expect(((await html.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('file');
    const big = Buffer.concat([PDF, Buffer.alloc(70_000, 0x20)]);
    const tooBig = await api(`/conversations/${id}/attachments`, {
      method: 'POST',
      as: agent.headers,
      body: fileForm(big, 'big.pdf'),
    });
    expect(tooBig.status).toBe(413);
    const rows = await s.db.db.query.attachments.findMany({ where: eq(attachments.conversationId, id) });
    expect(rows).toEqual([]);
    const chunks = await s.db.sql`select count(*)::int as n from attachment_chunks`;
    const stored = await s.db.sql`select coalesce(sum(size), 0)::int as n from attachments`;
    expect(chunks[0]!.n).toBeGreaterThanOrEqual(0);
    expect(stored[0]!.n).toBeLessThan(big.length);
  });

  it('refuses when the channel does not allow agents to send files (403), and answers 422 without a file', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: false, customersCanSend: false });
    const { id, agent } = await activeConversation();
    const off = await api(`/conversations/${id}/attachments`, {
      method: 'POST',
      as: agent.headers,
      body: fileForm(PDF, 'a.pdf'),
    });
    expect(off.status).toBe(403);
    expect(((await off.json()) as { detail: string }).detail).toMatch(/Agents can send file attachments/);
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: true, customersCanSend: false });
    const form = new FormData();
    form.append('note', 'no file here');
    const none = await api(`/conversations/${id}/attachments`, { method: 'POST', as: agent.headers, body: form });
    expect(none.status).toBe(422);
    const json = await api(`/conversations/${id}/attachments`, {
      method: 'POST',
      as: agent.headers,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
  });

  it('only the assigned agent sends; others get 403 or 404; no token gets 401', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: true, customersCanSend: true });
    const { id } = await activeConversation();
    const other = await createAgent(s.db.db);
    const supervisor = await createAgent(s.db.db, { role: 'supervisor' });
    const send = (as?: { authorization: string }) =>
      api(`/conversations/${id}/attachments`, { method: 'POST', ...(as ? { as } : {}), body: fileForm(PDF, 'a.pdf') });
    expect((await send()).status).toBe(401);
    expect((await send(other.headers)).status).toBe(404);
    expect((await send(supervisor.headers)).status).toBe(403);
    const req = await api(`/conversations/${id}/attachment-requests`, { method: 'POST', as: supervisor.headers });
    expect(req.status).toBe(403);
    expect((await api(`/conversations/${id}/attachments`, { as: supervisor.headers })).status).toBe(200);
    expect((await api(`/conversations/${id}/attachments`, { as: other.headers })).status).toBe(404);
  });

  it('a revoked link and an expired link are refused (410)', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: true, customersCanSend: false });
    const { id, customer, agent } = await activeConversation();
    const first = (await (
      await api(`/conversations/${id}/attachments`, { method: 'POST', as: agent.headers, body: fileForm(PDF, 'a.pdf') })
    ).json()) as { id: string };
    const firstSms = await eventually(async () => {
      const m = await lastReceived(customer);
      return m.text.startsWith('a.pdf') ? m : undefined;
    });
    const token = tokenIn(firstSms.text, 'f');
    expect((await api(`/public/files/${token}/content`)).status).toBe(200);
    const revoked = await api(`/attachments/${first.id}/revoke`, { method: 'POST', as: agent.headers });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { link: { revokedAt: string | null } }).link.revokedAt).not.toBeNull();
    const gone = await api(`/public/files/${token}/content`);
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { detail: string }).detail).toMatch(/revoked/);

    await api(`/conversations/${id}/attachments`, { method: 'POST', as: agent.headers, body: fileForm(PDF, 'b.pdf') });
    const second = await eventually(async () => {
      const m = await lastReceived(customer);
      return m.text.startsWith('b.pdf') ? m : undefined;
    });
    const token2 = tokenIn(second.text, 'f');
    await s.db.db
      .update(attachmentLinks)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(sql`${attachmentLinks.conversationId} = ${id} and ${attachmentLinks.revokedAt} is null`);
    const expired = await api(`/public/files/${token2}`);
    expect(expired.status).toBe(410);
    expect(((await expired.json()) as { detail: string }).detail).toMatch(/expired/);
    expect((await api('/public/files/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await api('/public/files/short')).status).toBe(422);
  });
});

describe('customers send files', () => {
  it('"Request a file" sends a single-use upload link; the upload appears as the customer\'s message', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: false, customersCanSend: true });
    const { id, customer, agent } = await activeConversation();
    const req = await api(`/conversations/${id}/attachment-requests`, { method: 'POST', as: agent.headers });
    expect(req.status).toBe(202);
    const sms = await eventually(async () => {
      const m = await lastReceived(customer);
      return m.text.includes('/u/') ? m : undefined;
    });
    const token = tokenIn(sms.text, 'u');
    expect((await api(`/public/uploads/${token}`)).status).toBe(200);

    const wrong = await api(`/public/uploads/${token}`, { method: 'POST', body: fileForm(HTML_AS_PDF, 'x.pdf') });
    expect(wrong.status).toBe(415);
    const photo = png();
    const up = await api(`/public/uploads/${token}`, { method: 'POST', body: fileForm(photo, 'photo.png') });
    expect(up.status, await up.clone().text()).toBe(201);
    const again = await api(`/public/uploads/${token}`, { method: 'POST', body: fileForm(photo, 'photo.png') });
    expect(again.status).toBe(410);

    const inbound = await eventually(async () => {
      const rows = await s.db.db.query.messages.findMany({ where: eq(messages.conversationId, id) });
      return rows.find((m) => m.direction === 'inbound' && m.text === '[file] photo.png');
    });
    expect(inbound.providerReferenceId).toMatch(/^upload:/);
    const list = (await (await api(`/conversations/${id}/attachments`, { as: agent.headers })).json()) as {
      items: { id: string; source: string; status: string; contentType: string }[];
    };
    const item = list.items.find((a) => a.source === 'customer_upload')!;
    expect(item).toMatchObject({ status: 'stored', contentType: 'image/png' });
    const content = await api(`/attachments/${item.id}/content`, { as: agent.headers });
    expect(content.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(Buffer.from(await content.arrayBuffer()).equals(photo)).toBe(true);
  });

  it('refuses uploads when the channel does not accept files from customers (API 403, workflow automated reply)', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: false, customersCanSend: true });
    const { id, customer, agent } = await activeConversation();
    await api(`/conversations/${id}/attachment-requests`, { method: 'POST', as: agent.headers });
    const token = tokenIn(
      (
        await eventually(async () => {
          const m = await lastReceived(customer);
          return m.text.includes('/u/') ? m : undefined;
        })
      ).text,
      'u',
    );
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: false, customersCanSend: false });
    expect((await api(`/conversations/${id}/attachment-requests`, { method: 'POST', as: agent.headers })).status).toBe(
      403,
    );
    const up = await api(`/public/uploads/${token}`, { method: 'POST', body: fileForm(png(), 'p.png') });
    expect(up.status).toBe(403);

    // A file that reaches the workflow anyway (the toggle changed after the API checked) is refused there.
    const conv = (await conversationOf(s.db.db, customer))!;
    await s.temporal.workflow
      .getHandle(conversationWorkflowId(ch.accountId, ch.supportNumber, customer))
      .signal(inboundSignal, {
        inboxId: conv.id,
        referenceId: `upload:${conv.id}`,
        text: '[file] late.png',
        receivedAt: new Date().toISOString(),
        attachment: { id: conv.id },
      });
    const reply = await eventually(async () => {
      const m = await lastReceived(customer);
      return m.text.includes('cannot accept files') ? m : undefined;
    });
    expect(reply.text).toMatch(/^Sorry, we cannot accept files/);
  });
});

describe('inbound media from TeleSign', () => {
  it('a media callback reaches the conversation as a placeholder and the media is fetched into storage', async () => {
    const customer = newCustomerNumber();
    const photo = png();
    await sim.phone(customer).sendMedia(ch.supportNumber, '', [{ contentType: 'image/png', bytes: photo }]);
    const msg = await eventually(async () => {
      const rows = await s.db.sql`
        select m.id, m.text, m.flags, m.conversation_id from messages m join conversations c on c.id = m.conversation_id
        where c.customer_number = ${customer} and m.direction = 'inbound'`;
      return rows[0];
    });
    expect(msg.text).toBe('[media received]');
    expect(msg.flags).toMatchObject({ media: true });
    const inbox = await s.db
      .sql`select status from inbox where kind = 'mo_sms' and payload::text like ${`%${customer}%`}`;
    expect(inbox[0]!.status).toBe('delivered');
    const stored = await eventually(async () => {
      const row = await s.db.db.query.attachments.findFirst({
        where: eq(attachments.conversationId, msg.conversation_id as string),
      });
      return row?.status === 'stored' ? row : undefined;
    });
    expect(stored).toMatchObject({ source: 'inbound_media', contentType: 'image/png', size: photo.length });
    expect(stored.sourceRef).toMatch(new RegExp(`^${sim.url}/sim/media/`));
    const admin = await api(`/attachments/${stored.id}/content`, { as: s.adminHeaders });
    expect(Buffer.from(await admin.arrayBuffer()).equals(photo)).toBe(true);
  });
});

describe('bad input never reaches a 5xx', () => {
  it('answers malformed uploads and tokens with documented problems', async () => {
    await setToggles(s.db.db, ch.channelId, { agentsCanSend: true, customersCanSend: true });
    const { id, agent } = await activeConversation();
    const post = (path: string, headers: Record<string, string>, body: string | undefined) =>
      api(path, { method: 'POST', as: agent.headers, headers, ...(body === undefined ? {} : { body }) });
    const cases: [string, Record<string, string>, string | undefined, number][] = [
      [`/conversations/${id}/attachments`, {}, undefined, 422],
      [`/conversations/${id}/attachments`, { 'content-type': 'multipart/form-data' }, 'x', 415],
      [`/conversations/${id}/attachments`, { 'content-type': 'multipart/form-data; boundary=zz' }, 'garbage', 422],
      [
        `/conversations/${id}/attachments`,
        { 'content-type': 'multipart/form-data; boundary=zz' },
        '--zz\r\ncontent-disposition: form-data; name="file"\r\n\r\nno filename\r\n--zz--\r\n',
        422,
      ],
      [`/conversations/${id}/attachments`, { 'content-type': 'text/plain' }, 'hello', 415],
      ['/conversations/not-a-uuid-x/attachments', {}, undefined, 422],
      ['/public/uploads/AAAAAAAAAAAAAAAAAAAAAA', { 'content-type': 'multipart/form-data; boundary=zz' }, 'x', 404],
      ['/public/uploads/%00', {}, undefined, 422],
    ];
    for (const [path, headers, body, status] of cases) {
      const res = await post(path, headers, body);
      expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    const huge = await api(`/conversations/${id}/attachments`, {
      method: 'POST',
      as: agent.headers,
      headers: { 'content-type': 'multipart/form-data; boundary=zz', 'content-length': String(10 * 1024 * 1024) },
      body: 'x'.repeat(10),
    }).catch(() => null);
    expect(huge === null || huge.status === 413).toBe(true);
  });

  it('rate-limits the customer link routes per address (429 with Retry-After)', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 40; i++) last = await api('/public/files/AAAAAAAAAAAAAAAAAAAAAB');
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

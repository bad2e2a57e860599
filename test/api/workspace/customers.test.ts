import { beforeAll, describe, expect, it } from 'vitest';
import { classifyActivity } from '../../../activities/classify.js';
import { consentEvents, consents } from '../../../db/schema/index.js';
import { addMessage, makeConversation, makeQueue, makeWorkstream } from '../agent/fixtures.js';
import { readModelHarness } from '../read-model-harness.js';
import { callAs, expectProblem } from '../setup/helpers.js';

const h = readModelHarness({
  ana: { name: 'Ana' },
  ben: { name: 'Ben' },
  sue: { name: 'Sue', role: 'supervisor' },
});
const { ana, ben, sue } = h.users;
let queueA: string;
let queueB: string;
let workstreamA: string;

beforeAll(async () => {
  queueA = await makeQueue(h.s.db.db, [ana.id]);
  queueB = await makeQueue(h.s.db.db, [ben.id]);
  workstreamA = await makeWorkstream(h.s.db.db, queueA);
});

const req = (method: string, path: string, user: { headers: Record<string, string> } | null, body?: unknown) =>
  callAs(h.s, method, path, user, body);
const admin = () => ({ headers: h.s.adminHeaders });

describe('customer profile', () => {
  it('shows a customer of the agent’s queue with consent history and past transcripts, newest first', async () => {
    const number = '359888100001';
    const old = await makeConversation(h.s.db.db, h.accountId, {
      customerNumber: number,
      queueId: queueA,
      state: 'closed',
      resolution: 'resolved',
      createdAt: new Date(Date.now() - 86_400_000),
    });
    await addMessage(h.s.db.db, old.id, { text: 'Здравейте, поръчката ми закъснява' });
    await addMessage(h.s.db.db, old.id, { direction: 'outbound', text: 'Ще проверя', status: 'delivered' });
    const current = await makeConversation(h.s.db.db, h.accountId, { customerNumber: number, queueId: queueA });
    await addMessage(h.s.db.db, current.id, { text: 'again' });
    await h.s.db.db
      .insert(consents)
      .values({ supportNumber: '4442', customerNumber: number, optedOut: false, source: 'keyword:START' });
    await h.s.db.db.insert(consentEvents).values([
      {
        supportNumber: '4442',
        customerNumber: number,
        optedOut: true,
        source: 'keyword:STOP',
        at: new Date(Date.now() - 60_000),
      },
      { supportNumber: '4442', customerNumber: number, optedOut: false, source: 'keyword:START' },
    ]);

    const r = await req('GET', `/customers/${number}`, ana);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ number, name: null, tags: [], optedOut: false });
    expect(r.body.conversations.map((c: { id: string }) => c.id)).toEqual([current.id, old.id]);
    expect(r.body.conversations[1].messages.map((m: { text: string }) => m.text)).toEqual([
      'Здравейте, поръчката ми закъснява',
      'Ще проверя',
    ]);
    expect(r.body.consent).toEqual([
      expect.objectContaining({
        supportNumber: '4442',
        optedOut: false,
        source: 'keyword:START',
        history: [
          expect.objectContaining({ optedOut: false, source: 'keyword:START' }),
          expect.objectContaining({ optedOut: true, source: 'keyword:STOP' }),
        ],
      }),
    ]);
  });

  it('hides a customer of another queue from an agent (404, like an unknown one) and shows it to supervisors', async () => {
    const number = '359888100002';
    await makeConversation(h.s.db.db, h.accountId, { customerNumber: number, queueId: queueB });
    expectProblem(await req('GET', `/customers/${number}`, ana), 404);
    expectProblem(await req('PATCH', `/customers/${number}`, ana, { name: 'X' }), 404);
    expect((await req('GET', `/customers/${number}`, ben)).status).toBe(200);
    expect((await req('GET', `/customers/${number}`, sue)).status).toBe(200);
    expectProblem(await req('GET', '/customers/359888100999', sue), 404);
  });

  it('lets an agent edit name, tags and notes, audits it, and the routing rules read the same tags', async () => {
    const number = '359888100003';
    await makeConversation(h.s.db.db, h.accountId, { customerNumber: number, queueId: queueA });
    const r = await req('PATCH', `/customers/${number}`, ana, {
      name: 'Иван Петров',
      tags: ['VIP', 'vip', ' gold '],
      notes: 'Prefers mornings',
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ name: 'Иван Петров', tags: ['vip', 'gold'], notes: 'Prefers mornings' });

    const log = await req('GET', `/audit-log?targetType=customer&targetId=${number}`, admin());
    expect(log.body.items[0]).toMatchObject({
      actorId: ana.id,
      action: 'customer.created',
      details: expect.objectContaining({ tags: { from: [], to: ['vip', 'gold'] }, notesLength: 16 }),
    });

    // A rule on customer.tag routes this customer by the tag an agent just set.
    const vipQueue = await makeQueue(h.s.db.db);
    const rule = await req('POST', `/workstreams/${workstreamA}/routing-rules`, admin(), {
      name: 'VIP',
      order: 1,
      conditions: [{ field: 'customer.tag', operator: 'equals', value: 'VIP' }],
      queueId: vipQueue,
    });
    expect(rule.status, rule.text).toBe(201);
    const classify = classifyActivity(h.s.db.db);
    const decision = await classify({
      conversationId: (await makeConversation(h.s.db.db, h.accountId, { customerNumber: number })).id,
      workstreamId: workstreamA,
      defaultQueueId: queueA,
      customerNumber: number,
      supportNumber: '4442',
      language: 'en',
      text: 'hello',
    });
    expect(decision.queueId).toBe(vipQueue);
  });

  it('refuses language changes by agents (403 naming the field) and accepts them from supervisors', async () => {
    const number = '359888100004';
    await makeConversation(h.s.db.db, h.accountId, { customerNumber: number, queueId: queueA });
    const denied = expectProblem(await req('PATCH', `/customers/${number}`, ana, { language: 'bg' }), 403);
    expect(denied.errors?.[0]?.path).toBe('language');
    const ok = await req('PATCH', `/customers/${number}`, sue, { language: 'bg' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.language).toBe('bg');
  });

  it('answers bad input with 422 naming the field and the rule', async () => {
    const number = '359888100005';
    await makeConversation(h.s.db.db, h.accountId, { customerNumber: number, queueId: queueA });
    const cases: [unknown, string][] = [
      [{}, ''],
      [{ tags: ['has space'] }, 'tags.0'],
      [{ tags: Array.from({ length: 31 }, (_, i) => `t${i}`) }, 'tags'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ notes: 5 }, 'notes'],
      [{ language: 'english!' }, 'language'],
      [{ unknown: 1 }, ''],
    ];
    for (const [body, path] of cases) {
      const p = expectProblem(await req('PATCH', `/customers/${number}`, sue, body), 422);
      expect(p.errors?.map((e) => e.path).join(' '), JSON.stringify(body)).toContain(path);
    }
    expectProblem(await req('GET', '/customers/+359888', sue), 422);
    expectProblem(await req('GET', '/customers?limit=0', sue), 422);
    expectProblem(await req('GET', '/customers/359888100005', null), 401);
  });

  it('lists and searches customers by number prefix, name (Cyrillic, any case) and tag, paged by cursor', async () => {
    const n1 = '359877200001';
    const n2 = '359877200002';
    const n3 = '359877200003';
    for (const n of [n1, n2, n3])
      await makeConversation(h.s.db.db, h.accountId, { customerNumber: n, queueId: queueA });
    await req('PATCH', `/customers/${n2}`, ana, { name: 'Мария Иванова', tags: ['gold'] });

    const byPrefix = await req('GET', '/customers?q=3598772&limit=2', ana);
    expect(byPrefix.body.items.map((c: { number: string }) => c.number)).toEqual([n1, n2]);
    const next = await req('GET', `/customers?q=3598772&limit=2&cursor=${byPrefix.body.nextCursor}`, ana);
    expect(next.body.items.map((c: { number: string }) => c.number)).toEqual([n3]);
    expect(next.body.nextCursor).toBeNull();

    const byName = await req('GET', `/customers?q=${encodeURIComponent('МАРИЯ')}`, ana);
    expect(byName.body.items.map((c: { number: string }) => c.number)).toEqual([n2]);
    const byTag = await req('GET', '/customers?tag=GOLD', ana);
    expect(byTag.body.items.map((c: { number: string }) => c.number)).toContain(n2);
    const notBens = await req('GET', '/customers?q=3598772', ben);
    expect(notBens.body.items).toEqual([]);
  });
});

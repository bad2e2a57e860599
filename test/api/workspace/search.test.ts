import { beforeAll, describe, expect, it } from 'vitest';
import { addMessage, makeConversation, makeQueue, type TestUser } from '../agent/fixtures.js';
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

beforeAll(async () => {
  queueA = await makeQueue(h.s.db.db, [ana.id]);
  queueB = await makeQueue(h.s.db.db, [ben.id]);
});

const search = (q: string, user: TestUser, extra = '') =>
  callAs(h.s, 'GET', `/search?q=${encodeURIComponent(q)}${extra}`, user);

describe('conversation search', () => {
  it('finds Bulgarian text in any case by word prefix, highlighted and HTML-escaped', async () => {
    const conv = await makeConversation(h.s.db.db, h.accountId, { customerNumber: '359888300001', queueId: queueA });
    await addMessage(h.s.db.db, conv.id, { text: 'Здравейте! ПОРЪЧКАТА ми <b>закъснява</b> & не знам защо' });
    const r = await search('поръчка', ana);
    expect(r.status, r.text).toBe(200);
    const hit = r.body.items.find((h: { conversationId: string }) => h.conversationId === conv.id);
    expect(hit).toMatchObject({ matchedOn: ['text'], highlight: { field: 'text' } });
    expect(hit.highlight.segments).toContainEqual({ text: 'ПОРЪЧКАТА', match: true });
    expect(hit.highlight.html).toBe(
      'Здравейте! <mark>ПОРЪЧКАТА</mark> ми &lt;b&gt;закъснява&lt;/b&gt; &amp; не знам защо',
    );
    // Every word must match; English works the same way.
    expect((await search('поръчката закъсн', ana)).body.items).toHaveLength(1);
    expect((await search('поръчката липсва', ana)).body.items).toHaveLength(0);
  });

  it('finds by number, customer name and tag', async () => {
    const conv = await makeConversation(h.s.db.db, h.accountId, { customerNumber: '359888300002', queueId: queueA });
    await addMessage(h.s.db.db, conv.id, { text: 'hello there' });
    const r = await h.s.app.request('/api/v1/customers/359888300002', {
      method: 'PATCH',
      headers: { ...ana.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Георги Димитров', tags: ['platinum'] }),
    });
    expect(r.status).toBe(200);
    const byNumber = await search('888300002', ana);
    expect(byNumber.body.items[0]).toMatchObject({ conversationId: conv.id, matchedOn: ['number'] });
    expect(byNumber.body.items[0].highlight.html).toBe('359<mark>888300002</mark>');
    const byName = await search('георги', ana);
    expect(byName.body.items[0]).toMatchObject({
      conversationId: conv.id,
      matchedOn: ['name'],
      customerName: 'Георги Димитров',
    });
    expect(byName.body.items[0].highlight.html).toBe('<mark>Георги</mark> Димитров');
    const byTag = await search('Platinum', ana);
    expect(byTag.body.items[0]).toMatchObject({ conversationId: conv.id, matchedOn: ['tag'] });
  });

  it('shows agents only their own and their queues’ conversations, supervisors all; notes are not searched', async () => {
    const mine = await makeConversation(h.s.db.db, h.accountId, { customerNumber: '359888300003', agentId: ana.id });
    const queue = await makeConversation(h.s.db.db, h.accountId, { customerNumber: '359888300004', queueId: queueA });
    const other = await makeConversation(h.s.db.db, h.accountId, { customerNumber: '359888300005', queueId: queueB });
    for (const c of [mine, queue, other]) await addMessage(h.s.db.db, c.id, { text: 'refund kumquat please' });
    await addMessage(h.s.db.db, other.id, { direction: 'note', text: 'internal pomelo', status: 'sent' });
    const ids = (r: { body: { items: { conversationId: string }[] } }) =>
      r.body.items.map((h) => h.conversationId).sort();
    expect(ids(await search('kumquat', ana))).toEqual([mine.id, queue.id].sort());
    expect(ids(await search('kumquat', ben))).toEqual([other.id]);
    expect(ids(await search('kumquat', sue))).toEqual([mine.id, queue.id, other.id].sort());
    expect(ids(await search('pomelo', sue))).toEqual([]);
  });

  it('pages with a cursor, newest activity first, without repeats', async () => {
    const convs = [];
    for (let i = 0; i < 5; i++) {
      const c = await makeConversation(h.s.db.db, h.accountId, {
        customerNumber: `35988840000${i}`,
        queueId: queueA,
        updatedAt: new Date(Date.now() - i * 60_000),
      });
      await addMessage(h.s.db.db, c.id, { text: `ябълка номер ${i}` });
      convs.push(c.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await search('ЯБЪЛКА', ana, `&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status, r.text).toBe(200);
      seen.push(...r.body.items.map((h: { conversationId: string }) => h.conversationId));
      cursor = r.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(convs);
  });

  it('answers bad input with 422 naming the field, and no token with 401', async () => {
    for (const extra of ['', '&limit=0', '&limit=101', '&cursor=nonsense']) {
      const q = extra === '' ? '' : 'x';
      const r = await h.s.app.request(`/api/v1/search?q=${q}${extra}`, { headers: ana.headers });
      const body = await r.json();
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    const punct = await search('!!!', ana);
    expect(expectProblem(punct, 422).errors?.[0]?.path).toContain('q');
    const forged = Buffer.from(
      JSON.stringify(['search', '2026-02-30T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000']),
    ).toString('base64url');
    expectProblem(await search('x', ana, `&cursor=${forged}`), 422);
    expect((await h.s.app.request('/api/v1/search?q=x')).status).toBe(401);
  });
});

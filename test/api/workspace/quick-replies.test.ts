import { beforeAll, describe, expect, it } from 'vitest';
import { makeQueue } from '../agent/fixtures.js';
import { readModelHarness } from '../read-model-harness.js';
import { callAs, expectProblem } from '../setup/helpers.js';

const h = readModelHarness({
  ana: { name: 'Ana' },
  sue: { name: 'Sue', role: 'supervisor' },
});
const { ana, sue } = h.users;
let queueA: string;
let queueB: string;

beforeAll(async () => {
  queueA = await makeQueue(h.s.db.db, [ana.id]);
  queueB = await makeQueue(h.s.db.db);
});

const req = (method: string, path: string, user: { headers: Record<string, string> } | null, body?: unknown) =>
  callAs(h.s, method, path, user, body);

describe('quick replies', () => {
  it('supervisors manage them; agents list the global ones and their queues’ ones, filtered by language and text', async () => {
    const global = await req('POST', '/quick-replies', sue, {
      title: 'Greeting',
      text: 'Hello {CustomerName}, {AgentName} here.',
    });
    expect(global.status, global.text).toBe(201);
    expect(global.body).toMatchObject({ queueId: null, language: null });
    const bg = await req(
      'POST',
      '/quick-replies',
      { headers: h.s.adminHeaders },
      {
        title: 'Поздрав',
        text: 'Здравейте, {CustomerName}! Аз съм {AgentName} от {QueueName}.',
        queueId: queueA,
        language: 'bg',
      },
    );
    expect(bg.status, bg.text).toBe(201);
    const other = await req('POST', '/quick-replies', sue, {
      title: 'Other queue',
      text: 'Not for Ana',
      queueId: queueB,
    });
    expect(other.status).toBe(201);

    const titles = (r: { body: { items: { title: string }[] } }) => r.body.items.map((i) => i.title);
    expect(titles(await req('GET', '/quick-replies', ana))).toEqual(['Greeting', 'Поздрав']);
    expect(titles(await req('GET', '/quick-replies', sue))).toEqual(['Greeting', 'Other queue', 'Поздрав']);
    expect(titles(await req('GET', '/quick-replies?language=en', ana))).toEqual(['Greeting']);
    expect(titles(await req('GET', `/quick-replies?q=${encodeURIComponent('ЗДРАВЕЙТЕ')}`, ana))).toEqual(['Поздрав']);

    const changed = await req('PATCH', `/quick-replies/${global.body.id}`, sue, { title: 'Hello' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.title).toBe('Hello');
    expect((await req('DELETE', `/quick-replies/${other.body.id}`, sue)).status).toBe(204);
    expectProblem(await req('DELETE', `/quick-replies/${other.body.id}`, sue), 404);
    const log = await req('GET', `/audit-log?targetType=quick_reply&targetId=${other.body.id}`, {
      headers: h.s.adminHeaders,
    });
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual([
      'quick_reply.deleted',
      'quick_reply.created',
    ]);
  });

  it('refuses agents’ changes (403) and bad input (422 naming the field)', async () => {
    expectProblem(await req('POST', '/quick-replies', ana, { title: 'x', text: 'y' }), 403);
    const cases: [unknown, string][] = [
      [{ text: 'y' }, 'title'],
      [{ title: ' ', text: 'y' }, 'title'],
      [{ title: 'x', text: '   ' }, 'text'],
      [{ title: 'x', text: 'y'.repeat(1601) }, 'text'],
      [{ title: 'x', text: 'y', queueId: 'nope' }, 'queueId'],
      [{ title: 'x', text: 'y', queueId: '00000000-0000-4000-8000-000000000000' }, 'queueId'],
      [{ title: 'x', text: 'y', language: 'xx_YY!' }, 'language'],
    ];
    for (const [body, path] of cases) {
      const p = expectProblem(await req('POST', '/quick-replies', sue, body), 422);
      expect(p.errors?.map((e) => e.path).join(' '), JSON.stringify(body)).toContain(path);
    }
    expectProblem(await req('PATCH', '/quick-replies/00000000-0000-4000-8000-000000000000', sue, { title: 'x' }), 404);
    expectProblem(await req('GET', '/quick-replies', null), 401);
  });
});

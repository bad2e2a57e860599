import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps, AppEnv } from '../../../api/deps.js';
import { stopEventHub } from '../../../api/events/registry.js';
import { eventRoutes } from '../../../api/resources/events/index.js';
import { createApp } from '../../../app/create-app.js';
import { createDb, type DbHandle } from '../../../db/client.js';
import { type LiveEvent, publishEvent } from '../../../db/publish-event.js';
import { createLogger } from '../../../lib/logger.js';
import { ProblemError, problemResponse } from '../../../lib/problem.js';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { makeUser, type TestUser } from '../agent/fixtures.js';
import { readSse } from './sse-client.js';

let s: TestStack;
let depsA: ApiDeps;
let ana: TestUser;
let ben: TestUser;
let sue: TestUser;
const open: { close: () => Promise<void> }[] = [];

beforeAll(async () => {
  s = await createTestStack({ worker: false });
  depsA = { config: s.config, db: s.db.db, sql: s.db.sql, temporal: s.temporal, logger: createLogger('silent') };
  ana = await makeUser(s.db.db, { name: 'Ana' });
  ben = await makeUser(s.db.db, { name: 'Ben' });
  sue = await makeUser(s.db.db, { name: 'Sue', role: 'supervisor' });
});
afterAll(async () => {
  for (const c of open) await c.close();
  await stopEventHub(depsA);
  await s?.close();
});

async function connect(app: { request: Hono['request'] }, user: TestUser, lastEventId?: string) {
  const res = await app.request('/api/v1/events', {
    headers: { ...user.headers, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const sse = readSse(res);
  open.push(sse);
  await sse.waitFor((e) => e.event === 'ready');
  return sse;
}

const ev = (type: LiveEvent['type'], agentIds: string[], tag: string): LiveEvent => ({
  type,
  conversationId: crypto.randomUUID(),
  agentIds,
  data: { tag },
});
const byTag = (tag: string) => (e: { json: Record<string, unknown> }) => e.json.tag === tag;

describe('GET /api/v1/events', () => {
  it('answers 401 without credentials', async () => {
    const res = await s.app.request('/api/v1/events');
    expect(res.status).toBe(401);
  });

  it('agents get only events addressed to them; supervisors get all; names and data follow the contract', async () => {
    const anaStream = await connect(s.app, ana);
    const sueStream = await connect(s.app, sue);
    await publishEvent(s.db.db, ev('conversation.offered', [ben.id], 'for-ben'));
    const forAna = ev('message.created', [ana.id, ben.id], 'for-ana');
    await publishEvent(s.db.db, forAna);

    const got = await anaStream.next((e) => e.event !== 'heartbeat' && e.event !== 'ready');
    expect(got.event).toBe('message.created');
    expect(got.json).toMatchObject({ conversationId: forAna.conversationId, tag: 'for-ana' });
    expect(got.id).toMatch(/^\d+/);

    await sueStream.next(byTag('for-ben'));
    await sueStream.next(byTag('for-ana'));
    expect(sueStream.domainEvents().map((e) => e.event)).toEqual(['conversation.offered', 'message.created']);
  });

  it('resumes from Last-Event-ID with every event published while disconnected, and nothing before', async () => {
    const first = await connect(s.app, ana);
    await publishEvent(s.db.db, ev('conversation.updated', [ana.id], 'before'));
    await first.next(byTag('before'));
    const token = first.lastId()!;
    await first.close();

    await publishEvent(s.db.db, ev('conversation.updated', [ana.id], 'missed-1'));
    await publishEvent(s.db.db, ev('conversation.updated', [ben.id], 'not-mine'));
    await publishEvent(s.db.db, ev('message.status', [ana.id], 'missed-2'));

    const again = await connect(s.app, ana, token);
    await publishEvent(s.db.db, ev('conversation.updated', [ana.id], 'live'));
    await again.next(byTag('live'));
    expect(again.domainEvents().map((e) => e.json.tag)).toEqual(['missed-1', 'missed-2', 'live']);
  });

  it('resume delivers an event that committed, with a lower id, after the client had seen a higher one', async () => {
    const client = await connect(s.app, sue);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let slowStarted!: () => void;
    const started = new Promise<void>((r) => {
      slowStarted = r;
    });
    const slow = s.db.db.transaction(async (tx) => {
      await publishEvent(tx, ev('conversation.updated', [], 'slow'));
      slowStarted();
      await gate;
    });
    await started;
    await publishEvent(s.db.db, ev('conversation.updated', [], 'fast'));
    await client.next(byTag('fast'));
    const token = client.lastId()!;
    expect(token).toContain('~');
    await client.close();
    release();
    await slow;

    const again = await connect(s.app, sue, token);
    await again.next(byTag('slow'));
    expect(again.domainEvents().map((e) => e.json.tag)).toEqual(['slow']);
  });

  it('sends a heartbeat that carries a resumable id', async () => {
    const app = new Hono<AppEnv>();
    app.onError((err, c) => (err instanceof ProblemError ? problemResponse(c, err) : c.text(String(err), 500)));
    app.route('/api/v1', eventRoutes(depsA, { heartbeatMs: 100 }));
    const client = await connect(app, ana);
    const hb = await client.next((e) => e.event === 'heartbeat', 2000);
    expect(hb.id).toMatch(/^\d+/);
    expect(hb.json.at).toEqual(expect.any(String));
  });

  it('an event published through one API instance reaches an SSE client of another instance', async () => {
    const second: DbHandle = createDb(s.db.url, { max: 3 });
    const depsB: ApiDeps = { ...depsA, db: second.db, sql: second.sql };
    const appB = createApp(depsB);
    try {
      const onB = await connect(appB, sue);
      const onA = await connect(s.app, sue);
      // Published with instance A's pool; B has its own LISTEN connection and hub.
      await publishEvent(s.db.db, ev('conversation.updated', [], 'cross-replica'));
      const got = await onB.next(byTag('cross-replica'));
      await onA.next(byTag('cross-replica'));
      await onB.close();
      // The id from replica B resumes on replica A.
      await publishEvent(second.db, ev('conversation.updated', [], 'after-switch'));
      const resumed = await connect(s.app, sue, got.id);
      await resumed.next(byTag('after-switch'));
      expect(resumed.domainEvents().map((e) => e.json.tag)).toEqual(['after-switch']);
    } finally {
      await stopEventHub(depsB);
      await second.close();
    }
  });

  it('ends open streams when the process stops its hub, so clients reconnect to another replica', async () => {
    const second: DbHandle = createDb(s.db.url, { max: 2 });
    const depsB: ApiDeps = { ...depsA, db: second.db, sql: second.sql };
    try {
      const client = await connect(createApp(depsB), sue);
      await stopEventHub(depsB);
      await expect(client.next((e) => e.event === 'never', 5000)).rejects.toThrow('stream ended');
    } finally {
      await second.close();
    }
  });

  it('cuts off a client that stops reading, and it resumes without loss', async () => {
    const app = new Hono<AppEnv>();
    app.route('/api/v1', eventRoutes(depsA, { maxQueued: 3 }));
    const res = await app.request('/api/v1/events', { headers: sue.headers });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: ready')) text += new TextDecoder().decode((await reader.read()).value);
    const readyId = /id: (\S+)/.exec(text)![1]!;
    // The client now stops reading while events keep coming.
    for (let i = 0; i < 10; i++) await publishEvent(s.db.db, ev('message.created', [], `slow-${i}`));
    const cut = await Promise.race([
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })().catch(() => 'ended'),
      new Promise((r) => setTimeout(() => r('still open'), 5000)),
    ]);
    expect(cut).toBe('ended');
    const again = await connect(s.app, sue, readyId);
    await again.next(byTag('slow-9'));
    expect(again.domainEvents().map((e) => e.json.tag)).toEqual(Array.from({ length: 10 }, (_, i) => `slow-${i}`));
  });
});

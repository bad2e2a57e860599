import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, revokeSession } from '../../../api/auth.js';
import type { ApiDeps, AppEnv } from '../../../api/deps.js';
import { stopEventHub } from '../../../api/events/registry.js';
import { type EventRouteOptions, eventRoutes, replayQuery } from '../../../api/resources/events/index.js';
import { type LiveEvent, publishEvent } from '../../../db/publish-event.js';
import { createLogger } from '../../../lib/logger.js';
import { ProblemError, problemResponse } from '../../../lib/problem.js';
import { createTestStack, type TestStack } from '../../support/stack.js';
import { makeUser, type TestUser } from '../agent/fixtures.js';
import { readSse } from './sse-client.js';

// The event stream's limits: connections per user, how much a Last-Event-ID replay may serve (count and age), the
// index behind an agent's replay, and the periodic credential re-check that ends a revoked stream.
let s: TestStack;
let deps: ApiDeps;
const open: { close: () => Promise<void> }[] = [];

beforeAll(async () => {
  s = await createTestStack({ worker: false });
  deps = { config: s.config, db: s.db.db, sql: s.db.sql, temporal: s.temporal, logger: createLogger('silent') };
});
afterAll(async () => {
  for (const c of open) await c.close();
  await stopEventHub(deps);
  await s?.close();
});

function appWith(options: EventRouteOptions) {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => (err instanceof ProblemError ? problemResponse(c, err) : c.text(String(err), 500)));
  app.route('/api/v1', eventRoutes(deps, options));
  return app;
}

async function connect(app: Hono<AppEnv>, headers: Record<string, string>, lastEventId?: string) {
  const res = await app.request('/api/v1/events', {
    headers: { ...headers, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
  });
  expect(res.status).toBe(200);
  const sse = readSse(res);
  open.push(sse);
  await sse.waitFor((e) => e.event === 'ready');
  return sse;
}

const ev = (agentIds: string[], tag: string): LiveEvent => ({
  type: 'conversation.updated',
  conversationId: crypto.randomUUID(),
  agentIds,
  data: { tag },
});
const maxId = async () => Number((await s.db.sql`select coalesce(max(id), 0)::text as m from events`)[0]!.m);

describe('SSE connection cap', () => {
  it('beyond the per-user cap a new stream is 429 with Retry-After; closing one frees a slot; other users unaffected', async () => {
    const app = appWith({ maxConnectionsPerUser: 2 });
    const ana = await makeUser(s.db.db);
    const ben = await makeUser(s.db.db);
    const first = await connect(app, ana.headers);
    await connect(app, ana.headers);
    const third = await app.request('/api/v1/events', { headers: ana.headers });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(third.headers.get('content-type')).toMatch(/problem\+json/);
    await connect(app, ben.headers);
    await first.close();
    await expect
      .poll(async () => {
        const res = await app.request('/api/v1/events', { headers: ana.headers });
        if (res.status === 200) open.push(readSse(res));
        else await res.body?.cancel();
        return res.status;
      })
      .toBe(200);
  });

  it('the default cap comes from SSE_MAX_CONNECTIONS_PER_USER', () => {
    expect(s.config.SSE_MAX_CONNECTIONS_PER_USER).toBeGreaterThan(0);
  });
});

describe('Last-Event-ID replay caps', () => {
  let ana: TestUser;
  beforeAll(async () => {
    ana = await makeUser(s.db.db);
  });

  it('within the caps every missed event is replayed', async () => {
    const from = await maxId();
    for (let i = 0; i < 5; i++) await publishEvent(s.db.db, ev([ana.id], `within-${i}`));
    const sse = await connect(appWith({ replayMaxEvents: 10 }), ana.headers, String(from));
    expect(sse.received.map((e) => e.event)).not.toContain('resync');
    expect(sse.domainEvents().map((e) => e.json.tag)).toEqual([0, 1, 2, 3, 4].map((i) => `within-${i}`));
  });

  it('more missed events than the count cap: a resync event instead of the replay', async () => {
    const from = await maxId();
    for (let i = 0; i < 12; i++) await publishEvent(s.db.db, ev([ana.id], `many-${i}`));
    const sse = await connect(appWith({ replayMaxEvents: 10 }), ana.headers, String(from));
    expect(sse.received[0]!.event).toBe('resync');
    expect(sse.received[0]!.json.reason).toBe('replay_limit');
    expect(sse.domainEvents().filter((e) => String(e.json.tag).startsWith('many-'))).toEqual([]);
    // It continues live from now.
    await publishEvent(s.db.db, ev([ana.id], 'after-resync'));
    await sse.waitFor((e) => e.json.tag === 'after-resync');
  });

  it('missed events older than the age cap: resync, never a read of old history', async () => {
    const from = await maxId();
    const old = await publishEvent(s.db.db, ev([ana.id], 'old'));
    await publishEvent(s.db.db, ev([ana.id], 'fresh'));
    await s.db.sql`update events set at = now() - interval '2 hours' where id = ${old}`;
    const sse = await connect(appWith({ replayMaxAgeMs: 3600_000 }), ana.headers, String(from));
    expect(sse.received[0]!.event).toBe('resync');
    expect(sse.domainEvents().map((e) => e.json.tag)).not.toContain('old');
  });

  it("an agent's replay is served by the agent_ids index, not a scan of everyone's events", async () => {
    const ben = await makeUser(s.db.db);
    const from = await maxId();
    await s.db.sql`
      insert into events (type, conversation_id, agent_ids, data)
      select 'conversation.updated', gen_random_uuid(), jsonb_build_array(gen_random_uuid()::text), '{}'::jsonb
      from generate_series(1, 20000)`;
    for (let i = 0; i < 3; i++) await publishEvent(s.db.db, ev([ben.id], `ben-${i}`));
    await s.db.sql`analyze events`;
    const user = { id: ben.id, name: 'Ben', role: 'agent' as const };
    const query = replayQuery(
      deps,
      user,
      from,
      [],
      { maxEvents: 1000, maxAgeMs: 3600_000 },
      new Date(Date.now() - 3600_000),
    );
    const plan = (await s.db.sql`explain ${query}`).map((r) => String(r['QUERY PLAN'])).join('\n');
    expect(plan).toContain('events_agent_ids_idx');
    const rows = await query;
    expect(rows.map((r) => r.data.tag)).toEqual(['ben-0', 'ben-1', 'ben-2']);
  });
});

describe('credential re-check on an open stream', () => {
  it('a revoked (rotated) bearer token ends the stream with a revoked event', async () => {
    const cara = await makeUser(s.db.db);
    const sse = await connect(appWith({ authRecheckMs: 100 }), cara.headers);
    await new Promise((r) => setTimeout(r, 300));
    expect(sse.received.map((e) => e.event)).not.toContain('revoked');
    await s.db.sql`update users set token_hash = ${crypto.randomUUID()} where id = ${cara.id}`;
    await sse.waitFor((e) => e.event === 'revoked', 5_000);
    await expect(sse.next((e) => e.event === 'never', 5_000)).rejects.toThrow(/stream ended/);
  });

  it('signing out the session ends a cookie-authenticated stream', async () => {
    const dan = await makeUser(s.db.db);
    const [row] = await s.db.sql`select token_hash from users where id = ${dan.id}`;
    const session = await createSession(deps, { id: dan.id, tokenHash: row!.token_hash });
    const sse = await connect(appWith({ authRecheckMs: 100 }), { cookie: `smsdesk_session=${session}` });
    await revokeSession(deps, session);
    await sse.waitFor((e) => e.event === 'revoked', 5_000);
    await expect(sse.next((e) => e.event === 'never', 5_000)).rejects.toThrow(/stream ended/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventHub, type HubEvent } from '../../../api/events/hub.js';
import { publishEvent } from '../../../db/publish-event.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { eventually } from '../../support/stack.js';

let db: TestDb;
let hub: EventHub;
const seen: HubEvent[] = [];

beforeAll(async () => {
  db = await createTestDb();
  hub = new EventHub(db.sql, { sweepMs: 60_000 });
  await hub.start();
  hub.subscribe((e) => seen.push(e));
});
afterAll(async () => {
  await hub?.stop();
  await db?.drop();
});

const event = (tag: string) => ({
  type: 'conversation.updated' as const,
  conversationId: crypto.randomUUID(),
  agentIds: [],
  data: { tag },
});
const tags = () => seen.map((e) => e.data.tag);

describe('EventHub (LISTEN/NOTIFY fan-out)', () => {
  it('delivers a published event with its row data', async () => {
    const e = event('plain');
    const id = await publishEvent(db.db, e);
    const got = await eventually(async () => seen.find((x) => x.id === id));
    expect(got).toMatchObject({
      type: 'conversation.updated',
      conversationId: e.conversationId,
      data: { tag: 'plain' },
    });
  });

  it('delivers an event whose transaction commits after a later id was already delivered', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let slowId = 0;
    const slow = db.db.transaction(async (tx) => {
      slowId = await publishEvent(tx, event('slow'));
      await gate;
    });
    await eventually(async () => slowId > 0);
    const fastId = await publishEvent(db.db, event('fast'));
    expect(fastId).toBeGreaterThan(slowId);
    await eventually(async () => tags().includes('fast'));
    expect(tags()).not.toContain('slow');
    expect(hub.gapsUpTo(fastId)).toContain(slowId);
    release();
    await slow;
    await eventually(async () => tags().includes('slow'));
    expect(hub.gapsUpTo(fastId)).not.toContain(slowId);
    expect(seen.filter((e) => e.data.tag === 'slow')).toHaveLength(1);
  });

  it('delivers each event once even when notifications arrive after the row was read', async () => {
    const before = seen.length;
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => publishEvent(db.db, event(`burst-${i}`))));
    await eventually(async () => ids.every((id) => seen.some((e) => e.id === id)));
    await new Promise((r) => setTimeout(r, 200));
    const burst = seen.slice(before).map((e) => e.id);
    expect(new Set(burst).size).toBe(burst.length);
    expect(burst.sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
  });

  it('catches up on events committed while its LISTEN connection was down', async () => {
    await db.sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`;
    const id = await publishEvent(db.db, event('while-down'));
    await eventually(async () => seen.some((e) => e.id === id), 15_000);
    const after = await publishEvent(db.db, event('after-reconnect'));
    await eventually(async () => seen.some((e) => e.id === after), 15_000);
  });

  it('a hub started while an event transaction is still open delivers that event when it commits', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let slowStarted!: () => void;
    const started = new Promise<void>((r) => {
      slowStarted = r;
    });
    const slow = db.db.transaction(async (tx) => {
      await publishEvent(tx, event('open-at-start'));
      slowStarted();
      await gate;
    });
    await started;
    await publishEvent(db.db, event('committed-before-start'));
    const late = new EventHub(db.sql, { sweepMs: 60_000 });
    const got: HubEvent[] = [];
    try {
      await late.start();
      late.subscribe((e) => got.push(e));
      release();
      await slow;
      await eventually(async () => got.some((e) => e.data.tag === 'open-at-start'));
      expect(got.map((e) => e.data.tag)).not.toContain('committed-before-start');
    } finally {
      await late.stop();
    }
  });

  it('prunes events older than the retention period and keeps recent ones', async () => {
    const old = await publishEvent(db.db, event('old'));
    const recent = await publishEvent(db.db, event('recent'));
    await db.sql`update events set at = now() - interval '25 hours' where id = ${old}`;
    expect(await hub.prune()).toBeGreaterThanOrEqual(1);
    const left = await db.sql<{ id: string }[]>`select id::text from events where id in (${old}, ${recent})`;
    expect(left.map((r) => Number(r.id))).toEqual([recent]);
  });
});

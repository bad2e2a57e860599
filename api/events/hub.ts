import type postgres from 'postgres';
import { EVENTS_CHANNEL } from '../../db/publish-event.js';
import type { Logger } from '../../lib/logger.js';

export type HubEvent = {
  id: number;
  type: string;
  conversationId: string | null;
  agentIds: string[];
  data: Record<string, unknown>;
  at: string;
};

/** An events row as `select id::text, type, conversation_id, agent_ids, data, at from events` reads it. */
export type EventRow = {
  id: string;
  type: string;
  conversation_id: string | null;
  agent_ids: string[];
  data: Record<string, unknown>;
  at: Date | string;
};

/** The live event an events row stands for (the hub's delivery and the stream's replay alike). */
export const eventFromRow = (row: EventRow): HubEvent => ({
  id: Number(row.id),
  type: row.type,
  conversationId: row.conversation_id,
  agentIds: row.agent_ids ?? [],
  data: row.data ?? {},
  at: new Date(row.at).toISOString(),
});

export type EventHubOptions = {
  logger?: Pick<Logger, 'warn' | 'error'>;
  /** How long an id skipped by the sequence is awaited (a transaction that committed after a later one). */
  gapTtlMs?: number;
  /** Safety re-read, in case a notification was lost without the connection dropping. */
  sweepMs?: number;
  /** Events older than this are deleted (resume via Last-Event-ID works within it). Default 24 h. */
  retentionMs?: number;
};

const BATCH = 1000;
/** Ids to remember as gaps after one jump; larger jumps are rolled-back inserts, not slow commits. */
const MAX_NEW_GAPS = 1000;
/** Ids below the start position checked for transactions that have not committed yet. */
const START_WINDOW = 200;
const PRUNE_EVERY_MS = 15 * 60_000;

/**
 * One LISTEN connection per API process, fanning out to in-memory subscribers (SSE clients). NOTIFY carries only the
 * event id; the hub reads rows from the events table, so a replica that missed notifications (reconnect) catches up
 * from `lastSeen`. Ids come from a sequence at insert time but become visible at commit, so a lower id can appear
 * after a higher one: skipped ids are kept as gaps and re-read until they arrive or expire.
 */
export class EventHub {
  private lastSeen = 0;
  private readonly gaps = new Map<number, number>();
  private readonly subscribers = new Set<(e: HubEvent) => void>();
  private readonly closers = new Set<() => void>();
  private reading: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private unlisten: (() => Promise<void>) | null = null;
  private sweep: NodeJS.Timeout | null = null;
  private pruner: NodeJS.Timeout | null = null;
  private readonly gapTtlMs: number;

  constructor(
    private readonly sql: postgres.Sql,
    private readonly options: EventHubOptions = {},
  ) {
    this.gapTtlMs = options.gapTtlMs ?? 120_000;
  }

  async start(): Promise<void> {
    const [row] = await this.sql<{ max: string }[]>`select coalesce(max(id), 0)::text as max from events`;
    this.lastSeen = Number(row!.max);
    // Ids just below the start position may belong to transactions still open (a worker mid-activity): await them.
    const recent = await this.sql<{ id: string }[]>`
      select id::text from events where id > ${this.lastSeen - START_WINDOW}`;
    const present = new Set(recent.map((r) => Number(r.id)));
    const now = Date.now();
    for (let id = Math.max(1, this.lastSeen - START_WINDOW + 1); id < this.lastSeen; id++) {
      if (!present.has(id)) this.gaps.set(id, now);
    }
    // onlisten runs on every (re)connect: re-read whatever was committed while the connection was down.
    const meta = await this.sql.listen(
      EVENTS_CHANNEL,
      (payload) => this.poke(Number(payload)),
      () => this.poke(),
    );
    this.unlisten = () => meta.unlisten();
    this.sweep = setInterval(() => this.poke(), this.options.sweepMs ?? 30_000);
    this.sweep.unref();
    this.pruner = setInterval(() => {
      this.prune().catch((err) => this.options.logger?.warn({ err }, 'pruning old events failed'));
    }, PRUNE_EVERY_MS);
    this.pruner.unref();
  }

  /** Deletes events past the retention period; idempotent, so every replica may run it. */
  async prune(): Promise<number> {
    const ms = this.options.retentionMs ?? 24 * 3600_000;
    const rows = await this.sql`delete from events where at < now() - make_interval(secs => ${ms / 1000})`;
    return rows.count;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweep) clearInterval(this.sweep);
    if (this.pruner) clearInterval(this.pruner);
    await this.unlisten?.().catch(() => {});
    await this.reading;
    this.subscribers.clear();
    // Streams end now, so their clients reconnect (and resume) on a replica that is still running.
    for (const close of this.closers) close();
    this.closers.clear();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Highest id handled; every lower id was delivered, is a pending gap, or never committed. */
  get watermark(): number {
    return this.lastSeen;
  }

  /** Ids at or below `id` that may still commit (and then be delivered). */
  gapsUpTo(id: number): number[] {
    return [...this.gaps.keys()].filter((g) => g <= id).sort((a, b) => a - b);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** `fn` is called synchronously, in id order per read, for every event this process sees; `onClose` on stop. */
  subscribe(fn: (e: HubEvent) => void, onClose?: () => void): () => void {
    this.subscribers.add(fn);
    if (onClose) this.closers.add(onClose);
    return () => {
      this.subscribers.delete(fn);
      if (onClose) this.closers.delete(onClose);
    };
  }

  /** Schedules a read; reads never overlap, and a poke during a read triggers one more. */
  poke(id?: number): void {
    if (this.stopped) return;
    if (id !== undefined && Number.isFinite(id) && id <= this.lastSeen && !this.gaps.has(id)) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readLoop().finally(() => {
      this.reading = null;
    });
  }

  /** Resolves once every poke so far has been read (tests and benchmarks). */
  async settled(): Promise<void> {
    while (this.reading) await this.reading;
  }

  private async readLoop(): Promise<void> {
    do {
      this.again = false;
      try {
        while (!this.stopped && (await this.readOnce()) === BATCH) {}
      } catch (err) {
        this.options.logger?.warn({ err }, 'event hub read failed; retrying in 1 s');
        setTimeout(() => this.poke(), 1000).unref();
        return;
      }
    } while (this.again && !this.stopped);
  }

  private async readOnce(): Promise<number> {
    const now = Date.now();
    for (const [id, since] of this.gaps) if (now - since > this.gapTtlMs) this.gaps.delete(id);
    const gapIds = [...this.gaps.keys()].map(String);
    const rows = await this.sql<EventRow[]>`
      select id::text, type, conversation_id, agent_ids, data, at from events
      where id > ${this.lastSeen} ${gapIds.length ? this.sql`or id = any(${gapIds}::bigint[])` : this.sql``}
      order by id limit ${BATCH}`;
    for (const row of rows) {
      const id = Number(row.id);
      if (id <= this.lastSeen) {
        if (!this.gaps.delete(id)) continue;
      } else {
        for (let g = Math.max(this.lastSeen + 1, id - MAX_NEW_GAPS); g < id; g++) this.gaps.set(g, now);
        this.lastSeen = id;
      }
      this.deliver(eventFromRow(row));
    }
    return rows.length;
  }

  private deliver(event: HubEvent): void {
    for (const fn of this.subscribers) {
      try {
        fn(event);
      } catch (err) {
        this.options.logger?.error({ err }, 'event subscriber failed');
      }
    }
  }
}

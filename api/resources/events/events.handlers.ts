import { streamSSE } from 'hono/streaming';
import { credentialStillValid } from '../../auth.js';
import type { ApiDeps, AuthUser } from '../../deps.js';
import { type EventRow, eventFromRow, type HubEvent } from '../../events/hub.js';
import { getEventHub } from '../../events/registry.js';
import { formatResumeToken, parseResumeToken } from '../../events/resume-token.js';
import type { AppRouteHandler } from '../../lib/route-helpers.js';
import { tooManyRequests } from '../../middleware/rate-limit.js';
import type { streamEvents } from './events.routes.js';

export function canSee(user: AuthUser, event: Pick<HubEvent, 'agentIds'>): boolean {
  return user.role !== 'agent' || event.agentIds.includes(user.id);
}

export type EventRouteOptions = {
  heartbeatMs?: number;
  maxQueued?: number;
  /** Overrides of the SSE_* settings (tests). */
  maxConnectionsPerUser?: number;
  replayMaxEvents?: number;
  replayMaxAgeMs?: number;
  authRecheckMs?: number;
};

/**
 * Open streams per user, one count per set of dependencies (per process in production: each replica protects its own
 * memory).
 */
const openStreams = new WeakMap<ApiDeps, Map<string, number>>();

function openStreamsOf(deps: ApiDeps): Map<string, number> {
  let counts = openStreams.get(deps);
  if (!counts) {
    counts = new Map();
    openStreams.set(deps, counts);
  }
  return counts;
}

/** The stream handler; the settings come from the request's deps unless options override them. */
export function streamEventsHandler(options: EventRouteOptions = {}): AppRouteHandler<typeof streamEvents> {
  return async (c) => {
    const deps = c.var.deps;
    const openByUser = openStreamsOf(deps);
    const heartbeatMs = options.heartbeatMs ?? 15_000;
    /** Events buffered for one slow client before its stream is cut. */
    const maxQueued = options.maxQueued ?? 10_000;
    const maxPerUser = options.maxConnectionsPerUser ?? deps.config.SSE_MAX_CONNECTIONS_PER_USER;
    const caps: ReplayCaps = {
      maxEvents: options.replayMaxEvents ?? deps.config.SSE_REPLAY_MAX_EVENTS,
      maxAgeMs: options.replayMaxAgeMs ?? deps.config.SSE_REPLAY_MAX_AGE_SECONDS * 1000,
    };
    const recheckMs = options.authRecheckMs ?? deps.config.SSE_AUTH_RECHECK_SECONDS * 1000;
    // Each open stream holds a socket and a subscriber; the cap keeps one user (or one leaked token) from holding
    // them by the thousand.
    const user = c.get('user');
    const resume = parseResumeToken(c.req.header('last-event-id') ?? c.req.valid('query').lastEventId);
    const hub = await getEventHub(deps);
    const openNow = openByUser.get(user.id) ?? 0;
    if (openNow >= maxPerUser) {
      throw tooManyRequests(c, 5, `at most ${maxPerUser} event streams may be open at once for one user; close one`);
    }
    openByUser.set(user.id, openNow + 1);
    const release = () => {
      const n = (openByUser.get(user.id) ?? 1) - 1;
      if (n > 0) openByUser.set(user.id, n);
      else openByUser.delete(user.id);
    };
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(
      c,
      async (stream) => {
        const queue: HubEvent[] = [];
        let wake: (() => void) | null = null;
        let ended = false;
        let unsubscribe = () => {};
        const end = (abort = false) => {
          ended = true;
          unsubscribe();
          // A write blocked on a client that stopped reading only returns once the response is cancelled.
          if (abort) stream.abort();
          wake?.();
        };
        // Subscribe before replaying, so nothing committed during the replay falls between the two. The hub ends
        // the stream when it stops (shutdown): the client reconnects to a running replica and resumes.
        unsubscribe = hub.subscribe(
          (e) => {
            if (!canSee(user, e)) return;
            queue.push(e);
            // A client that cannot keep up is cut off; it reconnects and resumes from the events table.
            if (queue.length > maxQueued) end(true);
            else wake?.();
          },
          () => end(),
        );
        stream.onAbort(() => end());
        const live = () => !ended && !stream.aborted && !stream.closed;
        // A long-lived stream re-checks its credential: a revoked token or a signed-out session ends it.
        let revoked = false;
        const recheck = setInterval(() => {
          credentialStillValid(deps, c, user.id).then(
            (ok) => {
              if (ok || ended) return;
              revoked = true;
              end();
            },
            (err) => deps.logger.warn({ err, userId: user.id }, 'event stream credential re-check failed'),
          );
        }, recheckMs);
        recheck.unref?.();
        const send = (e: HubEvent, token: string) =>
          stream.writeSSE({
            event: e.type,
            id: token,
            data: JSON.stringify({ conversationId: e.conversationId, ...e.data, eventId: e.id, at: e.at }),
          });
        try {
          let clientMax = hub.watermark;
          const replayed = new Set<number>();
          let from = resume;
          const missed = from ? await replay(deps, user, from.max, from.missing, caps) : null;
          if (missed?.truncated) {
            // Too far behind to replay within the caps: the client reloads its lists and continues from now.
            from = null;
            await stream.writeSSE({
              event: 'resync',
              data: JSON.stringify({ reason: 'replay_limit', maxEvents: caps.maxEvents, maxAgeMs: caps.maxAgeMs }),
            });
          }
          const alreadyHad = (id: number) =>
            replayed.has(id) || (from !== null && id <= from.max && !from.missing.includes(id));
          if (from && missed) {
            clientMax = from.max;
            for (const e of missed.events) {
              replayed.add(e.id);
              clientMax = Math.max(clientMax, e.id);
              await send(e, formatResumeToken(clientMax, hub.gapsUpTo(clientMax)));
            }
          }
          await stream.writeSSE({
            event: 'ready',
            id: formatResumeToken(clientMax, hub.gapsUpTo(clientMax)),
            retry: 2000,
            data: JSON.stringify({ userId: user.id, role: user.role }),
          });
          while (live()) {
            if (!queue.length) {
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, heartbeatMs);
                wake = () => {
                  clearTimeout(timer);
                  resolve();
                };
              });
              wake = null;
            }
            if (!live()) break;
            // Take the batch and the hub's position together: everything up to `seen` this client may see is in it.
            const batch = queue.splice(0);
            const seen = hub.watermark;
            if (!batch.length) {
              clientMax = Math.max(clientMax, seen);
              await stream.writeSSE({
                event: 'heartbeat',
                id: formatResumeToken(clientMax, hub.gapsUpTo(clientMax)),
                data: JSON.stringify({ at: new Date().toISOString() }),
              });
              continue;
            }
            for (const e of batch) {
              if (alreadyHad(e.id)) continue;
              clientMax = Math.max(clientMax, e.id);
              await send(e, formatResumeToken(clientMax, hub.gapsUpTo(clientMax)));
            }
            clientMax = Math.max(clientMax, seen);
          }
          if (revoked && !stream.aborted && !stream.closed) {
            await stream.writeSSE({ event: 'revoked', data: JSON.stringify({ reason: 'credential_revoked' }) });
          }
        } finally {
          clearInterval(recheck);
          unsubscribe();
          release();
        }
      },
      async (err) => {
        deps.logger.warn({ err, userId: user.id }, 'event stream failed; the client will reconnect and resume');
      },
    );
  };
}

export type ReplayCaps = { maxEvents: number; maxAgeMs: number };

const mineFilter = (deps: Pick<ApiDeps, 'sql'>, user: AuthUser) =>
  user.role === 'agent' ? deps.sql`and agent_ids @> ${JSON.stringify([user.id])}::jsonb` : deps.sql``;

/** The replay read (exported so a test can EXPLAIN exactly this statement). */
export function replayQuery(
  deps: Pick<ApiDeps, 'sql'>,
  user: AuthUser,
  after: number,
  missing: number[],
  caps: ReplayCaps,
  cutoff: Date,
) {
  const missingIds = missing.map(String);
  return deps.sql<EventRow[]>`
    select id::text, type, conversation_id, agent_ids, data, at from events
    where (id > ${after} ${missingIds.length ? deps.sql`or id = any(${missingIds}::bigint[])` : deps.sql``})
    and at >= ${cutoff.toISOString()}::timestamptz ${mineFilter(deps, user)}
    order by id limit ${caps.maxEvents + 1}`;
}

/**
 * Events after the client's position (and the lower ids it was still missing), from the events table, within the
 * caps: at most `maxEvents`, none older than `maxAgeMs`. `truncated` when the client missed more than that (then it
 * must resync rather than resume). For an agent the GIN index on agent_ids (jsonb_path_ops) serves the `@>` filter.
 */
export async function replay(
  deps: Pick<ApiDeps, 'sql'>,
  user: AuthUser,
  after: number,
  missing: number[],
  caps: ReplayCaps,
): Promise<{ events: HubEvent[]; truncated: boolean }> {
  const cutoff = new Date(Date.now() - caps.maxAgeMs);
  const rows = await replayQuery(deps, user, after, missing, caps, cutoff);
  const onlyMine = mineFilter(deps, user);
  if (rows.length > caps.maxEvents) return { events: [], truncated: true };
  // Missed events older than the age cap cannot be replayed, nor ones already pruned (ids below the oldest kept row
  // were deleted or never committed; either way resyncing is the safe answer): the client must resync.
  const [old] = await deps.sql<{ stale: boolean }[]>`
    select exists(
      select 1 from events where id > ${after} and at < ${cutoff.toISOString()}::timestamptz ${onlyMine}
    ) or ${after} < coalesce((select min(id) from events), 0) - 1 as stale`;
  if (old?.stale) return { events: [], truncated: true };
  return {
    truncated: false,
    events: rows.map(eventFromRow),
  };
}

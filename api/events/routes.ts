import { z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { authenticate } from '../auth.js';
import type { ApiDeps, AuthUser } from '../deps.js';
import { protectedRoute } from '../route-contract.js';
import { createRouter } from '../router.js';
import type { HubEvent } from './hub.js';
import { getEventHub } from './registry.js';
import { formatResumeToken, parseResumeToken } from './resume-token.js';

const eventsRoute = protectedRoute({
  method: 'get',
  path: '/events',
  operationId: 'streamEvents',
  tags: ['Live events'],
  summary: 'Server-Sent Events for the caller',
  description:
    'Events: conversation.offered, conversation.updated, message.created, message.status (data: JSON with conversationId), ' +
    'plus `ready` once on connect and `heartbeat` every 15 s. Agents receive events addressed to them; supervisors and ' +
    'admins receive all. Reconnect with the `Last-Event-ID` header (or `lastEventId` query) to resume without gaps.',
  request: {
    query: z.object({ lastEventId: z.string().max(2000).optional() }),
  },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
  },
});

type Row = {
  id: string;
  type: string;
  conversation_id: string | null;
  agent_ids: string[];
  data: Record<string, unknown>;
  at: Date | string;
};

export function canSee(user: AuthUser, event: Pick<HubEvent, 'agentIds'>): boolean {
  return user.role !== 'agent' || event.agentIds.includes(user.id);
}

export function eventRoutes(deps: ApiDeps, options: { heartbeatMs?: number; maxQueued?: number } = {}) {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  /** Events buffered for one slow client before its stream is cut. */
  const maxQueued = options.maxQueued ?? 10_000;
  const app = createRouter();
  app.use('/events', authenticate(deps));
  app.openapi(eventsRoute, async (c) => {
    const user = c.get('user');
    const resume = parseResumeToken(c.req.header('last-event-id') ?? c.req.valid('query').lastEventId);
    const hub = await getEventHub(deps);
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
        const send = (e: HubEvent, token: string) =>
          stream.writeSSE({
            event: e.type,
            id: token,
            data: JSON.stringify({ conversationId: e.conversationId, ...e.data, eventId: e.id, at: e.at }),
          });
        try {
          let clientMax = hub.watermark;
          const replayed = new Set<number>();
          const alreadyHad = (id: number) =>
            replayed.has(id) || (resume !== null && id <= resume.max && !resume.missing.includes(id));
          if (resume) {
            clientMax = resume.max;
            for (const e of await replay(deps, user, resume.max, resume.missing)) {
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
        } finally {
          unsubscribe();
        }
      },
      async (err) => {
        deps.logger.warn({ err, userId: user.id }, 'event stream failed; the client will reconnect and resume');
      },
    );
  });
  return app;
}

/** Events after the client's position (and the lower ids it was still missing), from the events table. */
async function replay(deps: Pick<ApiDeps, 'sql'>, user: AuthUser, after: number, missing: number[]) {
  const out: HubEvent[] = [];
  let cursor = after;
  const missingIds = missing.map(String);
  const onlyMine = user.role === 'agent' ? deps.sql`and agent_ids @> ${JSON.stringify([user.id])}::jsonb` : deps.sql``;
  for (;;) {
    const rows = await deps.sql<Row[]>`
      select id::text, type, conversation_id, agent_ids, data, at from events
      where (id > ${cursor} ${cursor === after && missingIds.length ? deps.sql`or id = any(${missingIds}::bigint[])` : deps.sql``})
      ${onlyMine}
      order by id limit 1000`;
    for (const r of rows) {
      out.push({
        id: Number(r.id),
        type: r.type,
        conversationId: r.conversation_id,
        agentIds: r.agent_ids ?? [],
        data: r.data ?? {},
        at: new Date(r.at).toISOString(),
      });
    }
    if (rows.length < 1000) return out;
    cursor = Number(rows.at(-1)!.id);
  }
}

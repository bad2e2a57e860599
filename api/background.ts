import { startInboxRelay } from '../inbox/relay.js';
import type { ApiDeps } from './deps.js';
import { getEventHub, stopEventHub } from './events/registry.js';

/**
 * Long-running helpers an API process runs beside its HTTP server (inbox relay, live-event listener). Each must be
 * safe with several API replicas. Returns a stop function that waits for them to finish.
 */
export async function startBackgroundServices(deps: ApiDeps): Promise<{ stop: () => Promise<void> }> {
  const stops: (() => Promise<void>)[] = [];
  // Live events: one LISTEN connection per process, fanned out to this process's SSE clients.
  await getEventHub(deps);
  stops.push(() => stopEventHub(deps));
  // Inbox relay: hands inbound SMS to Temporal when the webhook's immediate attempt failed (Temporal down).
  const relay = startInboxRelay(deps);
  stops.push(relay.stop);
  return {
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

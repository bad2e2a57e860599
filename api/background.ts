import type { ApiDeps } from './deps.js';

/**
 * Long-running helpers an API process runs beside its HTTP server (inbox relay, live-event listener). Each must be
 * safe with several API replicas. Returns a stop function that waits for them to finish.
 */
export async function startBackgroundServices(_deps: ApiDeps): Promise<{ stop: () => Promise<void> }> {
  const stops: (() => Promise<void>)[] = [];
  return {
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

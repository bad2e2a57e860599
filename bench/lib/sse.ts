import { performance } from 'node:perf_hooks';

export type TimedEvent = { event: string; json: Record<string, unknown>; at: number };

/** Reads GET /api/v1/events and calls `onEvent` with each parsed event and the performance.now() it was parsed. */
export async function subscribe(baseUrl: string, token: string, onEvent: (e: TimedEvent) => void) {
  const ac = new AbortController();
  const res = await fetch(`${baseUrl}/api/v1/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: ac.signal,
  });
  if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let ready!: () => void;
  const isReady = new Promise<void>((r) => {
    ready = r;
  });
  let buffer = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const at = performance.now();
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of frame.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          let json: Record<string, unknown> = {};
          try {
            json = data.length ? JSON.parse(data.join('\n')) : {};
          } catch {}
          if (event === 'ready') ready();
          onEvent({ event, json, at });
          cut = buffer.indexOf('\n\n');
        }
      }
    } catch {}
  })();
  await isReady;
  return {
    close: async () => {
      ac.abort();
      await pump;
    },
  };
}

/** A minimal SSE reader over a fetch Response, for tests and the latency bench. */
export type SseEvent = { event: string; id: string | undefined; data: string; json: Record<string, unknown> };

export function readSse(res: Response) {
  if (!res.body) throw new Error(`no body (status ${res.status})`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const received: SseEvent[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let done = false;
  let consumed = 0;

  const pump = (async () => {
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const e: SseEvent = { event: 'message', id: undefined, data: '', json: {} };
          const data: string[] = [];
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) continue;
            const i = line.indexOf(':');
            const field = i < 0 ? line : line.slice(0, i);
            const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            if (field === 'event') e.event = val;
            else if (field === 'id') e.id = val;
            else if (field === 'data') data.push(val);
          }
          e.data = data.join('\n');
          try {
            e.json = JSON.parse(e.data);
          } catch {}
          received.push(e);
          for (const w of waiters) w();
          cut = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // cancelled
    } finally {
      done = true;
      for (const w of waiters) w();
    }
  })();

  return {
    received,
    /** The next event (after those already returned) matching `pred`; events skipped over are consumed. */
    async next(pred: (e: SseEvent) => boolean = () => true, timeoutMs = 10_000): Promise<SseEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (consumed < received.length) {
          const e = received[consumed++]!;
          if (pred(e)) return e;
        }
        if (done) throw new Error('stream ended');
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no matching event within ${timeoutMs} ms; got ${received.map((r) => r.event).join(',')}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          const w = () => {
            clearTimeout(t);
            waiters.delete(w);
            resolve();
          };
          waiters.add(w);
        });
      }
    },
    /** Waits for an event matching `pred` among all received, without consuming anything. */
    async waitFor(pred: (e: SseEvent) => boolean, timeoutMs = 10_000): Promise<SseEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = received.find(pred);
        if (hit) return hit;
        if (done) throw new Error('stream ended');
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          const w = () => {
            clearTimeout(t);
            waiters.delete(w);
            resolve();
          };
          waiters.add(w);
        });
      }
    },
    /** Events of the contract (no ready/heartbeat) received so far. */
    domainEvents: () => received.filter((e) => e.event !== 'ready' && e.event !== 'heartbeat'),
    lastId: () => received.filter((e) => e.id !== undefined).at(-1)?.id,
    async close() {
      await reader.cancel().catch(() => {});
      await pump;
    },
  };
}

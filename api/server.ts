import type { Server } from 'node:http';
import { serve } from '@hono/node-server';

/** Listens and resolves once bound; `close()` stops accepting and waits for in-flight requests to drain. */
export async function listen(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  port: number,
  hostname: string,
): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
      resolve({
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            (server as Server).close(() => done());
            // SSE streams never end by themselves; give in-flight requests 10 s, then cut the rest.
            setTimeout(() => (server as Server).closeAllConnections?.(), 10_000).unref();
            (server as Server).closeIdleConnections?.();
          }),
      });
    });
  });
}

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that can stop forwarding without closing anything: the way a connection behind a dead NAT
 * or a frozen peer looks to a client (no RST, no FIN, just silence). `pause()` black-holes every current connection
 * for good; `resume()` lets new connections through again.
 */
export async function startPausingProxy(target: { host: string; port: number }) {
  let paused = false;
  const pairs = new Set<{ client: Socket; upstream: Socket; dead: boolean }>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream, dead: paused };
    pairs.add(pair);
    client.on('data', (d) => {
      if (!pair.dead) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!pair.dead) client.write(d);
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    pause() {
      paused = true;
      for (const p of pairs) p.dead = true;
    },
    resume() {
      paused = false;
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

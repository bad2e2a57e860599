import { createServer } from 'node:net';

/** A port `npm start` needs, with the variable that moves it elsewhere. */
export type NeededPort = { port: number; host: string; what: string; variable: string };

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

function free(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Fails with one message naming every busy port, what needs it and how to choose another. */
export async function assertPortsFree(ports: NeededPort[]): Promise<void> {
  const busy: NeededPort[] = [];
  for (const p of ports) if (!(await free(p.port, p.host))) busy.push(p);
  if (busy.length === 0) return;
  const lines = busy.map(
    (p) =>
      `  port ${p.port} (${p.what}) is already in use by another program; set ${p.variable}=<free port> to use another`,
  );
  throw new PortInUseError(
    `npm start cannot start: \n${lines.join('\n')}\n` +
      'Find the program with `ss -ltnp | grep :<port>` (or `lsof -i :<port>`) and stop it, or choose other ports.',
  );
}

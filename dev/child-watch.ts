import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WATCHDOG = fileURLToPath(new URL('./watchdog.mjs', import.meta.url));

/**
 * Starts a watchdog (dev/watchdog.mjs) that sends `signal` to `pid` (then SIGKILL after `graceMs`) as soon as this
 * process is gone, including after SIGKILL. The Temporal CLI and PostgreSQL are binaries that cannot watch their
 * parent themselves. The watchdog exits on its own when the child does; `release()` ends it after a clean stop.
 */
export function watchChild(pid: number, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): { release: () => void } {
  const dog = spawn(process.execPath, [WATCHDOG, String(pid), signal, String(graceMs)], {
    // Own process group: a terminal's Ctrl-C or hang-up reaches the launcher, which decides; the pipe is our tie.
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  dog.unref();
  (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    release: () => {
      if (dog.exitCode === null && dog.signalCode === null) dog.kill('SIGKILL');
    },
  };
}

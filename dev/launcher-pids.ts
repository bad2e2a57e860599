import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `.data/launcher.json` records which processes a running `npm start` owns, so the next start can tell a stale
 * Temporal dev server or PostgreSQL (left by a launcher that was killed together with its watchdogs) from somebody
 * else's program on the same port, and stop ours instead of silently reusing it.
 */
export type LauncherRecord = { launcher: number; children: { name: string; pid: number; match: string }[] };

const FILE = 'launcher.json';

/** Alive, and not a zombie waiting for a slow init to reap it (containers). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
}

/** The command line of a process (Linux /proc), or null when it is gone or unknowable. */
export function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return null;
  }
}

/** Alive and still the program we started (pids are reused): its command line contains `match`. */
export function isOurs(pid: number, match: string): boolean {
  if (!isAlive(pid)) return false;
  const cmd = commandLine(pid);
  return cmd === null ? process.platform !== 'linux' : cmd.includes(match);
}

export class LauncherPids {
  private record: LauncherRecord;
  constructor(private readonly dataDir: string) {
    this.record = { launcher: process.pid, children: [] };
  }

  add(name: string, pid: number, match: string): void {
    this.record.children.push({ name, pid, match });
    this.save();
  }

  clear(): void {
    rmSync(join(this.dataDir, FILE), { force: true });
  }

  private save(): void {
    writeFileSync(join(this.dataDir, FILE), `${JSON.stringify(this.record, null, 2)}\n`);
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/**
 * Before starting: if another launcher still runs on this data dir, refuse (two would share one database); if the
 * recorded launcher is dead, stop what it left behind. Returns one line per process stopped, for the console.
 */
export async function stopStaleProcesses(dataDir: string): Promise<string[]> {
  const file = join(dataDir, FILE);
  if (!existsSync(file)) return [];
  let record: LauncherRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as LauncherRecord;
  } catch {
    rmSync(file, { force: true });
    return [];
  }
  if (record.launcher !== process.pid && isOurs(record.launcher, 'dev/start.ts')) {
    throw new Error(
      `smsdesk is already running from this data directory (launcher pid ${record.launcher}). Stop it with Ctrl-C in ` +
        `its terminal (or kill ${record.launcher}), or use another data directory with SMSDESK_DATA_DIR.`,
    );
  }
  const stopped: string[] = [];
  for (const child of record.children) {
    if (!isOurs(child.pid, child.match)) continue;
    // PostgreSQL's fast shutdown is SIGINT; the Temporal CLI stops on SIGTERM.
    process.kill(child.pid, child.name === 'PostgreSQL' ? 'SIGINT' : 'SIGTERM');
    if (!(await waitGone(child.pid, 5000))) {
      process.kill(child.pid, 'SIGKILL');
      await waitGone(child.pid, 2000);
    }
    stopped.push(`stopped a stale ${child.name} (pid ${child.pid}) left by an earlier npm start that did not exit`);
  }
  rmSync(file, { force: true });
  return stopped;
}

import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isAlive, stopStaleProcesses } from '../../dev/launcher-pids.js';
import { PROJECT_ROOT, provisionTools } from '../../dev/provision-tools.js';
import { freePort } from '../../dev/temporal-dev-server.js';

/**
 * `npm start` as a user runs it (node --import tsx dev/start.ts), on a fresh data dir and free ports: the demo and its
 * sign-in links, and that nothing it started survives SIGKILL, SIGHUP or one Ctrl-C while 200 conversations are busy.
 */

type Launcher = {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  ports: { api: number; simulator: number };
};

const tools = provisionTools();
const dataDirs: string[] = [];

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'smsdesk-launcher-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as its own user when we are root
  dataDirs.push(dir);
  return dir;
}

function launcherEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(DATABASE_URL|ENCRYPTION_KEY|TEMPORAL_|TELESIGN_|PORT$|BOOTSTRAP_|PUBLIC_BASE_URL|SMSDESK_)/.test(k),
    ),
  );
  return {
    ...inherited,
    TEMPORAL_CLI_PATH: tools.temporal,
    // The run's prebuilt workflow bundle: no webpack in the launcher.
    TEMPORAL_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

async function startLauncher(dataDir: string, extra: Record<string, string> = {}, args: string[] = []) {
  const ports = {
    api: await freePort(),
    simulator: await freePort(),
    temporal: await freePort(),
    temporalUi: await freePort(),
    postgres: await freePort(),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'dev/start.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: launcherEnv({
      SMSDESK_DATA_DIR: dataDir,
      PORT: String(ports.api),
      PUBLIC_BASE_URL: `http://127.0.0.1:${ports.api}`,
      SIMULATOR_PORT: String(ports.simulator),
      SMSDESK_TEMPORAL_PORT: String(ports.temporal),
      SMSDESK_TEMPORAL_UI_PORT: String(ports.temporalUi),
      SMSDESK_POSTGRES_PORT: String(ports.postgres),
      ...extra,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const launcher: Launcher = { child, output: () => out, exited, ports };
  return launcher;
}

async function untilReady(l: Launcher, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!l.output().includes('Press Ctrl-C to stop.')) {
    if (l.child.exitCode !== null) throw new Error(`launcher exited ${l.child.exitCode}:\n${l.output()}`);
    if (Date.now() > deadline) throw new Error(`launcher not ready after ${timeoutMs} ms:\n${l.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return l.output();
}

/** Every process below `root` (Linux /proc): the binaries, their watchdogs and PostgreSQL's backends. */
function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {}
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const [pid, ppid] of parentOf) {
      if (ppid === p) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

async function survivorsAfter(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    alive = alive.filter(isAlive);
  }
  return alive;
}

const started = (pids: number[]) => pids.map((p) => `${p}: ${readCmd(p)}`).join('\n');
function readCmd(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '(gone)';
  }
}

afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm start (dev/start.ts)', () => {
  it('leaves nothing running when it is killed with SIGKILL', async () => {
    const l = await startLauncher(newDataDir(), { SMSDESK_DEMO: 'false' });
    await untilReady(l);
    const pids = descendants(l.child.pid!);
    const names = started(pids);
    expect(names).toMatch(/start-dev/);
    expect(names).toMatch(/postgres/);
    l.child.kill('SIGKILL');
    await l.exited;
    expect(await survivorsAfter(pids, 15_000), names).toEqual([]);
  }, 180_000);

  describe('with the demo, across two starts of one data dir', () => {
    const dataDir = newDataDir();
    let first = '';

    beforeAll(async () => {
      const l = await startLauncher(dataDir);
      try {
        first = await untilReady(l);
        // The sign-in links work while this launcher runs; keep what the tests below need.
        const agentLink = /Agent: +(\S+)/.exec(first)?.[1];
        expect(agentLink).toBeDefined();
        const res = await fetch(agentLink!, { redirect: 'manual' });
        expect(res.status).toBe(303);
        expect(res.headers.get('location')).toMatch(/^\/app\?as=[\w-]{8}$/);
        const again = await fetch(agentLink!, { redirect: 'manual' });
        expect(again.status).toBe(410);
        const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
        const agents = await (
          await fetch(`http://127.0.0.1:${l.ports.api}/api/v1/agents`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).json();
        const demoAgent = agents.items.find((a: { name: string }) => a.name === 'Demo Agent');
        expect(demoAgent).toMatchObject({ presence: 'available', capacity: 3, role: 'agent' });
        expect(demoAgent.queueIds).toHaveLength(1);
        expect(agents.items.some((a: { role: string }) => a.role === 'supervisor')).toBe(true);
        const sim = await (await fetch(`http://127.0.0.1:${l.ports.simulator}/sim/accounts`)).json();
        expect(JSON.stringify(sim)).toContain(`/webhooks/telesign/`);

        // Closing the terminal: SIGHUP stops everything like Ctrl-C.
        const pids = descendants(l.child.pid!);
        l.child.kill('SIGHUP');
        const exit = await l.exited;
        expect(exit.code, l.output()).toBe(0);
        expect(await survivorsAfter(pids, 15_000), started(pids)).toEqual([]);
      } finally {
        if (l.child.exitCode === null) l.child.kill('SIGKILL');
      }
    }, 240_000);

    it('prints the demo, one-time sign-in links and the admin token on the first start', () => {
      expect(first).toMatch(/Demo channel +support number \d+/);
      expect(first).toMatch(/Admin: +http:\/\/127\.0\.0\.1:\d+\/app\/login\/link\?token=sdl_/);
      expect(first).toMatch(/Supervisor: +http:\/\/\S+token=sdl_/);
      expect(first).toMatch(/Phone +http:\/\/127\.0\.0\.1:\d+\/sim/);
      expect(first).toMatch(/Admin API token \(shown only now/);
      expect(first).toContain(readFileSync(join(dataDir, 'admin-token'), 'utf8').trim());
    });

    it('reuses the data on the second start, prints fresh links but not the token, and one Ctrl-C stops it within 10 s while 200 conversations are busy', async () => {
      const l = await startLauncher(dataDir);
      try {
        const second = await untilReady(l);
        const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
        expect(second).not.toContain(token);
        expect(second).toMatch(/Agent: +\S+token=sdl_/);
        const accounts = await (
          await fetch(`http://127.0.0.1:${l.ports.api}/api/v1/messaging-accounts`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).json();
        expect(accounts.items).toHaveLength(1);

        const number = /support number (\d+)/.exec(second)![1]!;
        const sends = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            fetch(`http://127.0.0.1:${l.ports.simulator}/sim/phones/1555${String(i).padStart(7, '0')}/messages`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ to: number, text: `hello ${i}` }),
            }).then((r) => r.status),
          ),
        );
        expect(sends.every((s) => s === 202)).toBe(true);
        const pids = descendants(l.child.pid!);
        const t0 = performance.now();
        l.child.kill('SIGINT');
        const exit = await l.exited;
        const seconds = (exit.at - t0) / 1000;
        const stopLines = l
          .output()
          .split('\n')
          .filter((line) => /stopping|did not stop|stopped in|killing/.test(line));
        console.log(
          `launcher: one SIGINT with 200 conversations just started → exited in ${seconds.toFixed(2)} s\n${stopLines.join('\n')}`,
        );
        expect(exit.code, l.output()).toBe(0);
        expect(seconds).toBeLessThanOrEqual(10);
        expect(await survivorsAfter(pids, 15_000), started(pids)).toEqual([]);
      } finally {
        if (l.child.exitCode === null) l.child.kill('SIGKILL');
      }
    }, 240_000);
  });

  it('reports a port taken by another program with its number and what to do', async () => {
    const blocker: Server = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '0.0.0.0', () => r()));
    try {
      const l = await startLauncher(newDataDir(), { PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` });
      const exit = await l.exited;
      expect(exit.code).toBe(1);
      expect(l.output()).toContain(`port ${port} (smsdesk API) is already in use by another program; set PORT=`);
    } finally {
      blocker.close();
    }
  }, 60_000);
});

describe('stale processes from a launcher that did not exit', () => {
  it('stops what a dead launcher left behind instead of reusing it', async () => {
    const dataDir = newDataDir();
    const stale = spawn('sleep', ['300'], { stdio: 'ignore' });
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    writeFileSync(
      join(dataDir, 'launcher.json'),
      JSON.stringify({
        launcher: gone.pid,
        children: [{ name: 'Temporal dev server', pid: stale.pid, match: 'sleep' }],
      }),
    );
    const lines = await stopStaleProcesses(dataDir);
    expect(lines).toEqual([
      `stopped a stale Temporal dev server (pid ${stale.pid}) left by an earlier npm start that did not exit`,
    ]);
    expect(await survivorsAfter([stale.pid!], 2000)).toEqual([]);
  });

  it('refuses to start a second launcher on a data dir another one still runs from', async () => {
    const dataDir = newDataDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'dev/start.ts'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dataDir, 'launcher.json'), JSON.stringify({ launcher: other.pid, children: [] }));
      await expect(stopStaleProcesses(dataDir)).rejects.toThrow(/already running from this data directory/);
    } finally {
      other.kill('SIGKILL');
    }
  });
});

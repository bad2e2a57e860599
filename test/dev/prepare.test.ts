import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, provisionTools } from '../../dev/provision-tools.js';

/**
 * `npm start` / `npm test` as the first command on a fresh clone: the pre-step (dev/prepare.mjs) runs on a copy of the
 * checkout without node_modules. npm reads the machine's existing cache (~/.npm) offline-first, so this needs the
 * network no more than `npm ci` itself. One npm ci of the whole lockfile: about 30 s, once per run.
 */
describe('dev/prepare.mjs on a fresh clone', () => {
  let clone: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    clone = mkdtempSync(join(tmpdir(), 'smsdesk-clone-'));
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    })
      .split('\0')
      .filter(Boolean);
    for (const f of files) {
      if (!existsSync(join(PROJECT_ROOT, f))) continue; // deleted but not yet committed
      mkdirSync(dirname(join(clone, f)), { recursive: true });
      cpSync(join(PROJECT_ROOT, f), join(clone, f));
    }
    // The Temporal binaries come from this checkout's .tools (the copy would otherwise pip-install them again).
    const tools = provisionTools({ needTestServer: true });
    env = {
      ...process.env,
      npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      TEMPORAL_CLI_PATH: tools.temporal,
      TEMPORAL_TEST_SERVER_PATH: tools.testServer ?? '',
    };
    // Not inherited from a surrounding `npm test`: the copy must find its npm on its own.
    delete env.npm_execpath;
  });

  afterAll(() => {
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  const prepare = (mode: 'start' | 'test') =>
    spawnSync(process.execPath, ['dev/prepare.mjs', mode], { cwd: clone, env, encoding: 'utf8', timeout: 300_000 });

  it('installs node_modules on the first run, and the second run is a quick no-op', () => {
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);
    const first = prepare('start');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/node_modules is missing: running npm ci/);
    expect(existsSync(join(clone, 'node_modules', 'tsx', 'package.json'))).toBe(true);
    expect(existsSync(join(clone, 'node_modules', '.smsdesk-lock.sha256'))).toBe(true);

    const started = performance.now();
    const second = prepare('test');
    const ms = performance.now() - started;
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/npm ci/);
    console.log(`prepare: warm pre-step took ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(15_000);
  }, 400_000);

  it('accepts node_modules from a plain `npm ci` (as .ci/run does) without installing again', () => {
    // Without our stamp, npm's own record of the install is compared with the lockfile.
    rmSync(join(clone, 'node_modules', '.smsdesk-lock.sha256'));
    const r = prepare('test');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/npm ci/);
  });

  it('installs again when package-lock.json names another version than node_modules holds', () => {
    const hiddenFile = join(clone, 'node_modules', '.package-lock.json');
    const original = readFileSync(hiddenFile, 'utf8');
    const hidden = JSON.parse(original);
    hidden.packages['node_modules/zod'].version = '0.0.1';
    writeFileSync(hiddenFile, JSON.stringify(hidden));
    rmSync(join(clone, 'node_modules', '.smsdesk-lock.sha256'));
    const check = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        'import { dependenciesCurrent } from "./dev/prepare.mjs"; console.log(dependenciesCurrent())',
      ],
      { cwd: clone, encoding: 'utf8' },
    );
    expect(check.stdout.trim()).toBe('false');
    writeFileSync(hiddenFile, original);
  });
});

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../dev/provision-tools.js';

// Production entry points read only the environment: a missing variable stops them with its name.
function runEntry(file: string, env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|ENCRYPTION_KEY|TEMPORAL_|PORT)/.test(k)),
  );
  return spawnSync(process.execPath, ['--import', 'tsx', file], {
    cwd: PROJECT_ROOT,
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('production entry points', () => {
  it.each(['api/main.ts', 'worker/main.ts'])('%s exits 1 naming DATABASE_URL and ENCRYPTION_KEY when unset', (file) => {
    const r = runEntry(file, {});
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/DATABASE_URL: is required/);
    expect(r.stderr).toMatch(/ENCRYPTION_KEY: is required/);
  });

  it('migrate exits 1 naming DATABASE_URL', () => {
    const r = runEntry('db/migrate-main.ts', {});
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/DATABASE_URL/);
  });

  it('api exits 1 naming a malformed PORT', () => {
    const r = runEntry('api/main.ts', {
      DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
      ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
      PORT: '99999',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/PORT: /);
  });
});

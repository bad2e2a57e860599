import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, provisionTools, ToolsError } from '../../dev/provision-tools.js';

describe('provisionTools', () => {
  it('resolves an installed CLI again in well under 2 s', () => {
    provisionTools({ needTestServer: true });
    const started = performance.now();
    const tools = provisionTools({ needTestServer: true });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(tools.temporal).toMatch(/temporal$/);
    expect(tools.testServer).toMatch(/temporal-test-server$/);
  });

  it('explains how to get a binary when TEMPORAL_CLI_PATH points nowhere', () => {
    const saved = process.env.TEMPORAL_CLI_PATH;
    process.env.TEMPORAL_CLI_PATH = '/nonexistent/temporal';
    try {
      expect(() => provisionTools()).toThrowError(ToolsError);
      expect(() => provisionTools()).toThrowError(
        /TEMPORAL_CLI_PATH=\/nonexistent\/temporal is not an executable[\s\S]*python3-venv/,
      );
    } finally {
      if (saved === undefined) delete process.env.TEMPORAL_CLI_PATH;
      else process.env.TEMPORAL_CLI_PATH = saved;
    }
  });

  it('makes `npm test`’s first step fail with the message, not a stack trace', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'dev/provision-tools-main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TEMPORAL_CLI_PATH: '/nonexistent/temporal' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is not an executable file/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

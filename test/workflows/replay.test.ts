import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { installTemporalRuntime } from '../../lib/temporal-runtime.js';
import { HISTORIES_DIR } from './support.js';

// Determinism: every recorded history (regenerate with RECORD_HISTORIES=1 npx vitest run test/workflows) must replay
// against the current workflow code. A change that alters the commands a history already contains fails here,
// and must be guarded with patched().
const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));

describe('workflow determinism (replay of recorded histories)', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('replays %s without non-determinism', async (file) => {
    installTemporalRuntime('ERROR');
    const history: unknown = JSON.parse(readFileSync(`${HISTORIES_DIR}${file}`, 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { installTemporalRuntime } from '../../lib/temporal-runtime.js';
import { HISTORIES_DIR } from './support.js';

/*
 * The history of the run that lost 8 of 1,000 messages (issue #20, docs/burst-loss.md), as `temporal workflow show
 * --output json` wrote it. It predates the `inbound-batch` patch, so it replays on the per-message path. That path
 * now checks every recording result against the message it was asked for: the replay must stop at the first result
 * that belongs to another message instead of passing silently as it did before the fix.
 */
const FILE = 'burst-1000-one-customer.history.json.gz';
// Newer CLIs wrap the history in { history: { events } }; the replayer takes { events }.
const load = (): { events: unknown[] } =>
  JSON.parse(gunzipSync(readFileSync(`${HISTORIES_DIR}${FILE}`)).toString('utf8')).history;

describe('the captured burst history', () => {
  it('is kept next to the other fixtures (not read from ../shared at run time)', () => {
    expect(readdirSync(HISTORIES_DIR)).toContain(FILE);
  });

  it('replays deterministically up to the misattributed recording result, which now fails the task loudly', async () => {
    installTemporalRuntime('ERROR');
    const history = load();
    expect(history.events.length).toBe(2054);
    const err = await Worker.runReplayHistory(
      { workflowBundle: { codePath: inject('workflowBundlePath') } },
      history,
      'burst-1000',
    ).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err, 'the replay must not pass silently').not.toBeNull();
    // Not a non-determinism error: the new code issues the same commands; it is the attribution check that fires.
    expect(String(err?.message)).not.toMatch(/nondetermin/i);
    expect(`${err?.message} ${String((err as { cause?: unknown })?.cause)}`).toMatch(/misattributed/);
  });
});

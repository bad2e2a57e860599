import { describe, expect, it } from 'vitest';
import { createGroupCommit, GroupCommitFull, ItemFailure } from '../../lib/group-commit.js';

/** A flush whose calls the test releases by hand, recording each batch. */
function gatedFlush<T>() {
  const batches: T[][] = [];
  const gates: (() => void)[] = [];
  const flush = async (items: T[]) => {
    batches.push(items);
    await new Promise<void>((r) => gates.push(r));
    return items.map((i) => `ok:${String(i)}`);
  };
  const releaseAll = async () => {
    while (gates.length) gates.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { flush, batches, releaseAll };
}

describe('group commit', () => {
  it('writes a lone item at once, without waiting for company', async () => {
    const g = gatedFlush<number>();
    const gc = createGroupCommit(g.flush);
    const p = gc.add(1);
    expect(g.batches).toEqual([[1]]);
    await g.releaseAll();
    await expect(p).resolves.toBe('ok:1');
  });

  it('writes items that arrive while flushes are in flight together, each caller getting its own result', async () => {
    const g = gatedFlush<number>();
    const gc = createGroupCommit(g.flush, { maxInFlight: 1 });
    const results = [1, 2, 3, 4].map((i) => gc.add(i));
    expect(g.batches).toEqual([[1]]);
    await g.releaseAll();
    expect(g.batches).toEqual([[1], [2, 3, 4]]);
    await g.releaseAll();
    await expect(Promise.all(results)).resolves.toEqual(['ok:1', 'ok:2', 'ok:3', 'ok:4']);
  });

  it('never puts more than maxBatch items in one flush nor runs more than maxInFlight flushes', async () => {
    const g = gatedFlush<number>();
    const gc = createGroupCommit(g.flush, { maxBatch: 3, maxInFlight: 2 });
    const all = Array.from({ length: 10 }, (_, i) => gc.add(i));
    expect(g.batches).toEqual([[0], [1]]);
    await g.releaseAll();
    expect(g.batches.slice(2)).toEqual([
      [2, 3, 4],
      [5, 6, 7],
    ]);
    await g.releaseAll();
    expect(g.batches.slice(4)).toEqual([[8, 9]]);
    await g.releaseAll();
    expect(await Promise.all(all)).toHaveLength(10);
  });

  it('rejects every caller of a batch whose flush throws, and goes on with the next batch', async () => {
    let calls = 0;
    const gc = createGroupCommit(
      async (items: number[]) => {
        calls++;
        if (calls === 1) throw new Error('connection lost');
        return items.map((i) => i * 10);
      },
      { maxInFlight: 1 },
    );
    const [a, b] = [gc.add(1), gc.add(2)];
    await expect(a).rejects.toThrow('connection lost');
    await expect(b).resolves.toBe(20);
  });

  it('rejects only the caller whose item failed', async () => {
    const gc = createGroupCommit(async (items: number[]) =>
      items.map((i) => (i === 2 ? new ItemFailure(new Error('bad row')) : i)),
    );
    const results = await Promise.allSettled([gc.add(1), gc.add(2), gc.add(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('fails a batch whose flush returns the wrong number of results instead of resolving callers with nothing', async () => {
    const gc = createGroupCommit(async (items: number[]) => items.slice(1));
    const results = await Promise.allSettled([gc.add(1), gc.add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('refuses at once beyond maxQueued waiting items instead of holding them while the store hangs', async () => {
    const g = gatedFlush<number>();
    const gc = createGroupCommit(g.flush, { maxInFlight: 1, maxQueued: 2 });
    const accepted = [gc.add(1), gc.add(2), gc.add(3)]; // 1 in flight, 2 and 3 queued
    await expect(gc.add(4)).rejects.toBeInstanceOf(GroupCommitFull);
    await g.releaseAll();
    await g.releaseAll();
    await expect(Promise.all(accepted)).resolves.toEqual(['ok:1', 'ok:2', 'ok:3']);
    const later = gc.add(5); // room again once the queue drained
    await g.releaseAll();
    await expect(later).resolves.toBe('ok:5');
  });

  it('drain waits for everything added so far', async () => {
    const g = gatedFlush<number>();
    const gc = createGroupCommit(g.flush, { maxInFlight: 1 });
    for (const i of [1, 2, 3]) void gc.add(i);
    let drained = false;
    const d = gc.drain().then(() => {
      drained = true;
    });
    await g.releaseAll();
    expect(drained).toBe(false);
    await g.releaseAll();
    await d;
    expect(drained).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { createKeyedQueue } from '../../lib/keyed-queue.js';

/** A run whose calls the test releases by hand, recording which keys ran and how many ran at once. */
function gatedRun() {
  const started: string[] = [];
  const gates = new Map<string, (() => void)[]>();
  let active = 0;
  let maxActive = 0;
  const activeKeys = new Set<string>();
  let overlapped = false;
  const run = async (key: string) => {
    started.push(key);
    if (activeKeys.has(key)) overlapped = true;
    activeKeys.add(key);
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise<void>((r) => gates.set(key, [...(gates.get(key) ?? []), r]));
    active--;
    activeKeys.delete(key);
    return `ran:${key}`;
  };
  const tick = () => new Promise((r) => setTimeout(r, 0));
  const release = async (key: string) => {
    const g = gates.get(key)?.shift();
    if (!g) throw new Error(`${key} is not running`);
    g();
    await tick();
  };
  return {
    run,
    started,
    release,
    tick,
    get maxActive() {
      return maxActive;
    },
    get overlapped() {
      return overlapped;
    },
  };
}

describe('keyed queue', () => {
  it('runs at most `concurrency` keys at once, the rest in push order', async () => {
    const g = gatedRun();
    const q = createKeyedQueue({ concurrency: 2, run: g.run });
    const results = ['a', 'b', 'c', 'd'].map((k) => q.push(k));
    await g.tick();
    expect(g.started).toEqual(['a', 'b']);
    await g.release('b');
    expect(g.started).toEqual(['a', 'b', 'c']);
    await g.release('a');
    await g.release('c');
    await g.release('d');
    expect(await Promise.all(results)).toEqual(['ran:a', 'ran:b', 'ran:c', 'ran:d']);
    expect(g.maxActive).toBe(2);
    expect(q.waiting).toBe(0);
  });

  it('coalesces pushes for a key that has not started into one run', async () => {
    const g = gatedRun();
    const q = createKeyedQueue({ concurrency: 1, run: g.run });
    const first = q.push('a');
    const b1 = q.push('b');
    const b2 = q.push('b');
    const b3 = q.push('b');
    expect(b2).toBe(b1);
    expect(b3).toBe(b1);
    expect(q.waiting).toBe(4);
    await g.tick();
    await g.release('a');
    await g.release('b');
    await Promise.all([first, b1]);
    expect(g.started).toEqual(['a', 'b']);
    expect(q.waiting).toBe(0);
  });

  it('a push while its key runs asks for exactly one more run after it, never an overlapping one', async () => {
    const g = gatedRun();
    const q = createKeyedQueue({ concurrency: 4, run: g.run });
    const first = q.push('a');
    await g.tick();
    const again1 = q.push('a');
    const again2 = q.push('a');
    expect(again1).not.toBe(first);
    expect(again2).toBe(again1);
    await g.tick();
    expect(g.started).toEqual(['a']);
    await g.release('a');
    expect(g.started).toEqual(['a', 'a']);
    expect(q.waiting).toBe(2);
    await g.release('a');
    await Promise.all([first, again1]);
    expect(g.overlapped).toBe(false);
    expect(q.waiting).toBe(0);
  });

  it('sheds pushes beyond maxWaiting and takes them again once runs finish', async () => {
    const g = gatedRun();
    const q = createKeyedQueue({ concurrency: 1, maxWaiting: 2, run: g.run });
    expect(q.push('a')).toBeDefined();
    expect(q.push('b')).toBeDefined();
    expect(q.push('c')).toBeUndefined();
    expect(q.push('a')).toBeUndefined();
    await g.tick();
    await g.release('a');
    expect(q.waiting).toBe(1);
    expect(q.push('c')).toBeDefined();
    await g.release('b');
    await g.release('c');
    await q.drain();
    expect(g.started).toEqual(['a', 'b', 'c']);
  });

  it('drain waits for the reruns that pushes during a run asked for', async () => {
    let runs = 0;
    const q = createKeyedQueue({
      concurrency: 2,
      run: async (key: string) => {
        runs++;
        await new Promise((r) => setTimeout(r, 5));
        if (runs === 1) q.push(key);
      },
    });
    q.push('a');
    await q.drain();
    expect(runs).toBe(2);
    expect(q.waiting).toBe(0);
  });

  it('a failed run rejects the pushes it covers, frees its slot and leaves no unhandled rejection', async () => {
    const q = createKeyedQueue({
      concurrency: 1,
      run: async (key: string) => {
        if (key === 'bad') throw new Error('boom');
        return key;
      },
    });
    const bad = q.push('bad');
    q.push('bad'); // ignored by the caller: must not surface as an unhandled rejection
    const good = q.push('good');
    await expect(bad).rejects.toThrow('boom');
    await expect(good).resolves.toBe('good');
    await q.drain();
    expect(q.waiting).toBe(0);
  });
});

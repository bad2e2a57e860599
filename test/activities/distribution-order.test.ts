import { describe, expect, it } from 'vitest';
import { commonSkills, slotLeftWhenAllTakeAll, slotsLeft, surelyFree } from '../../activities/distribution-order.js';

const agents = (spec: Record<string, number>) => Object.entries(spec).map(([id, slots]) => ({ id, slots }));
const leftOf = (r: ReturnType<typeof slotsLeft>) => Object.fromEntries(r.left);

describe('slots left once the better-ranked conversations are seated', () => {
  it('five agents with two slots and two ahead who could take any of them leave eight slots (not zero on each)', () => {
    const all = ['a', 'b', 'c', 'd', 'e'];
    const r = slotsLeft(agents({ a: 2, b: 2, c: 2, d: 2, e: 2 }), [
      { id: 'x1', agentIds: all },
      { id: 'x2', agentIds: all },
    ]);
    expect(Object.values(leftOf(r)).reduce((n, s) => n + s, 0)).toBe(8);
    expect(r.seatedAhead).toEqual(['x1', 'x2']);
  });

  it('ten ahead fill ten slots: nothing is left for the eleventh', () => {
    const all = ['a', 'b', 'c', 'd', 'e'];
    const ahead = Array.from({ length: 10 }, (_, i) => ({ id: `x${i}`, agentIds: all }));
    const r = slotsLeft(agents({ a: 2, b: 2, c: 2, d: 2, e: 2 }), ahead);
    expect(Object.values(leftOf(r)).every((s) => s === 0)).toBe(true);
  });

  it('keeps the only agent a better-ranked conversation can take (skills) for it', () => {
    const r = slotsLeft(agents({ skilled: 1, other: 1 }), [{ id: 'needs-skill', agentIds: ['skilled'] }]);
    expect(leftOf(r)).toEqual({ skilled: 0, other: 1 });
  });

  it('moves a seated conversation to make room for a better-ranked one with fewer choices', () => {
    // x1 (best) could take u or v, x2 only v: seating x1 on v first must not leave x2 out while u stays free.
    const r = slotsLeft(agents({ v: 1, u: 1 }), [
      { id: 'x1', agentIds: ['v', 'u'] },
      { id: 'x2', agentIds: ['v'] },
    ]);
    expect(leftOf(r)).toEqual({ u: 0, v: 0 });
    expect(r.seatedAhead).toEqual(['x1', 'x2']);
  });

  it('a better-ranked conversation no free agent can take holds nothing', () => {
    const r = slotsLeft(agents({ a: 1 }), [{ id: 'x1', agentIds: ['elsewhere'] }]);
    expect(leftOf(r)).toEqual({ a: 1 });
    expect(r.seatedAhead).toEqual([]);
  });
});

describe('the cheap exact answers before the matching', () => {
  it('an agent with more free slots than better-ranked conversations that could take it is surely free', () => {
    const pool = [
      { id: 'full', slots: 2, ahead: 2 },
      { id: 'room', slots: 3, ahead: 2 },
      { id: 'empty-line', slots: 1, ahead: 0 },
    ];
    expect(surelyFree(pool)).toEqual(['room', 'empty-line']);
  });

  it('when everyone ahead could take every agent, a slot is left iff they are fewer than the free slots', () => {
    expect(slotLeftWhenAllTakeAll(0, 1)).toBe(true);
    expect(slotLeftWhenAllTakeAll(999, 1000)).toBe(true);
    expect(slotLeftWhenAllTakeAll(1000, 1000)).toBe(false);
  });

  it('agrees with the matching whenever everyone ahead could take every agent', () => {
    const pool = agents({ a: 3, b: 1, c: 2 });
    const total = 6;
    for (let n = 0; n <= 8; n++) {
      const ahead = Array.from({ length: n }, (_, i) => ({ id: `x${i}`, agentIds: ['a', 'b', 'c'] }));
      const left = [...slotsLeft(pool, ahead).left.values()].reduce((s, k) => s + k, 0);
      expect(slotLeftWhenAllTakeAll(n, total)).toBe(left > 0);
    }
  });

  it('the skills every agent of the pool has', () => {
    expect(commonSkills([])).toEqual([]);
    expect(commonSkills([['fr', 'de'], ['de', 'fr', 'es'], ['de']])).toEqual(['de']);
    expect(commonSkills([['fr'], []])).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { analyzeSms } from '../../domain/sms-segments.js';

describe('analyzeSms', () => {
  it.each([
    ['', 'GSM-7', 1, 0],
    ['Hello', 'GSM-7', 1, 5],
    ['a'.repeat(160), 'GSM-7', 1, 160],
    ['a'.repeat(161), 'GSM-7', 2, 161],
    ['a'.repeat(306), 'GSM-7', 2, 306],
    ['a'.repeat(307), 'GSM-7', 3, 307],
    ['€'.repeat(80), 'GSM-7', 1, 160],
    ['€'.repeat(81), 'GSM-7', 2, 162],
    ['ä ö ü ñ é à Ø Δ', 'GSM-7', 1, 15],
    ['Привет', 'UCS-2', 1, 6],
    ['я'.repeat(70), 'UCS-2', 1, 70],
    ['я'.repeat(71), 'UCS-2', 2, 71],
    ['я'.repeat(134), 'UCS-2', 2, 134],
    ['я'.repeat(135), 'UCS-2', 3, 135],
    ['😀'.repeat(35), 'UCS-2', 1, 70],
    ['😀'.repeat(36), 'UCS-2', 2, 72],
  ] as const)('%#: %j → %s, %i segment(s), %i units', (text, encoding, segments, units) => {
    expect(analyzeSms(text)).toMatchObject({ encoding, segments, units });
  });

  it('counts an escape character as two units and never splits it across parts', () => {
    // 152 plain + '{' (2 units) = 154 > 153: the brace moves to part 2.
    const text = `${'a'.repeat(152)}{${'a'.repeat(10)}`;
    expect(analyzeSms(text)).toMatchObject({ encoding: 'GSM-7', units: 164, segments: 2 });
    const exact = `${'a'.repeat(151)}{${'a'.repeat(153)}`;
    expect(analyzeSms(exact)).toMatchObject({ units: 306, segments: 2 });
    const spill = `${'a'.repeat(152)}{${'a'.repeat(152)}`;
    expect(analyzeSms(spill)).toMatchObject({ units: 306, segments: 3 });
  });

  it('never splits a surrogate pair across UCS-2 parts', () => {
    // 66 units + emoji (2) = 68 > 67 → the emoji starts part 2.
    const text = `${'я'.repeat(66)}😀${'я'.repeat(10)}`;
    expect(analyzeSms(text)).toMatchObject({ encoding: 'UCS-2', units: 78, segments: 2, characters: 77 });
    expect(analyzeSms(`${'я'.repeat(66)}😀${'я'.repeat(66)}`)).toMatchObject({ units: 134, segments: 3 });
  });

  it('switches the whole message to UCS-2 for one non-GSM character', () => {
    expect(analyzeSms(`${'a'.repeat(100)}ç`)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(analyzeSms(`${'a'.repeat(100)}Ç`)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });
});

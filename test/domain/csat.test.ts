import { describe, expect, it } from 'vitest';
import { parseCsatReply } from '../../domain/csat.js';

describe('CSAT replies', () => {
  it.each([
    ['5', 5],
    [' 1 ', 1],
    ['4/5', 4],
    ['3 stars', 3],
    ['5!', 5],
    ['five', 5],
    ['Two', 2],
    ['пет', 5],
    ['едно', 1],
    ['четири', 4],
    ['cinco', 5],
    ['trois', 3],
    ['fünf', 5],
    ['vier.', 4],
  ])('%s is the rating %i', (text, rating) => {
    expect(parseCsatReply(text)).toBe(rating);
  });

  it.each(['0', '6', '10', '45', 'great', 'I gave 5 already but my order is late', '', 'one two'])(
    '%s is not a rating',
    (text) => {
      expect(parseCsatReply(text)).toBeNull();
    },
  );
});

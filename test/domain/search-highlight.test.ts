import { describe, expect, it } from 'vitest';
import { highlight, highlightHtml, prefixTsQuery, searchTerms } from '../../domain/search-highlight.js';

describe('search terms and highlighting', () => {
  it('takes letter-and-digit words of any script, lower-cased, deduplicated', () => {
    expect(searchTerms('ПОРЪЧКА №42, order-42 поръчка')).toEqual(['поръчка', '42', 'order']);
    expect(searchTerms("'; drop table x --")).toEqual(['drop', 'table', 'x']);
    expect(prefixTsQuery(['поръчка', '42'])).toBe("'поръчка':* & '42':*");
  });

  it('marks words that start with a term, in any case, and escapes everything else', () => {
    const segments = highlight('Поръчката <b>ПОРЪЧКА</b> & supporter', ['поръчка', 'sup']);
    expect(segments.filter((s) => s.match).map((s) => s.text)).toEqual(['Поръчката', 'ПОРЪЧКА', 'supporter']);
    expect(highlightHtml(segments)).toBe(
      '<mark>Поръчката</mark> &lt;b&gt;<mark>ПОРЪЧКА</mark>&lt;/b&gt; &amp; <mark>supporter</mark>',
    );
  });

  it('does not mark a term inside a word', () => {
    expect(highlight('заповръчка', ['поръчка']).some((s) => s.match)).toBe(false);
  });

  it('cuts long texts around the first match', () => {
    const text = `${'а '.repeat(200)}ключ ${'б '.repeat(200)}`;
    const segments = highlight(text, ['ключ'], 60);
    expect(segments[0]).toEqual({ text: '…', match: false });
    expect(segments.at(-1)).toEqual({ text: '…', match: false });
    expect(segments.filter((s) => s.match)).toEqual([{ text: 'ключ', match: true }]);
    expect(segments.map((s) => s.text).join('').length).toBeLessThanOrEqual(62);
  });
});

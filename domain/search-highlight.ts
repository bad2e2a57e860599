/**
 * Search terms and highlighting, shared by the search API and its tests. Pure. Terms are the letters-and-digits
 * runs of the query, lower-cased (any script); each matches words that start with it (prefix search), as the
 * PostgreSQL query built from them does (`'term':*`, docs/search.md).
 */

export type HighlightSegment = { text: string; match: boolean };

const TERM = /[\p{L}\p{N}]+/gu;
export const MAX_TERMS = 8;

export function searchTerms(query: string): string[] {
  const terms = query.toLowerCase().match(TERM) ?? [];
  return [...new Set(terms)].slice(0, MAX_TERMS);
}

/** A to_tsquery text: every term as a prefix, all required. Terms hold only letters and digits, so nothing to escape. */
export function prefixTsQuery(terms: string[]): string {
  return terms.map((t) => `'${t}':*`).join(' & ');
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The text cut to about `width` characters around the first match, split into matched and plain segments. The
 * segments are data, never markup: renderers escape them (see highlightHtml).
 */
export function highlight(text: string, terms: string[], width = 160): HighlightSegment[] {
  const words = terms.filter((t) => t.length > 0);
  if (words.length === 0) return [{ text: text.slice(0, width), match: false }];
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.map(escapeRegex).join('|')})[\\p{L}\\p{N}]*`, 'giu');
  const first = re.exec(text);
  re.lastIndex = 0;
  let start = 0;
  if (first && text.length > width) start = Math.max(0, first.index - Math.floor(width / 3));
  const end = Math.min(text.length, start + width);
  const window = text.slice(start, end);
  const segments: HighlightSegment[] = [];
  if (start > 0) segments.push({ text: '…', match: false });
  let at = 0;
  for (const m of window.matchAll(re)) {
    if (m.index > at) segments.push({ text: window.slice(at, m.index), match: false });
    segments.push({ text: m[0], match: true });
    at = m.index + m[0].length;
  }
  if (at < window.length) segments.push({ text: window.slice(at), match: false });
  if (end < text.length) segments.push({ text: '…', match: false });
  return segments;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);

/** Segments as HTML: every piece escaped, matches in <mark>. */
export function highlightHtml(segments: HighlightSegment[]): string {
  return segments.map((s) => (s.match ? `<mark>${escapeHtml(s.text)}</mark>` : escapeHtml(s.text))).join('');
}

import type { ProblemField } from './problem.js';

/**
 * The one rule for strings that reach storage: PostgreSQL text and jsonb cannot hold NUL (U+0000), and a lone UTF-16
 * surrogate has no UTF-8 form (Node would silently store U+FFFD instead). JSON escapes and percent-encoding can carry
 * both, so every input is checked against this rule before it is used (api/router.ts, the sign-in form) and the
 * signed TeleSign callback, which must be stored whatever it holds, has them replaced (inbox/ingest/parse-callback.ts).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point.
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

export const TEXT_RULES = {
  nul: 'must not contain NUL (U+0000)',
  surrogate: 'must not contain an unpaired UTF-16 surrogate',
} as const;

/** Which rule the string breaks, or null when it is storable. */
export function unsafeTextRule(s: string): string | null {
  if (!SUSPECT.test(s)) return null;
  if (s.includes('\u0000')) return TEXT_RULES.nul;
  return LONE_SURROGATE.test(s) ? TEXT_RULES.surrogate : null;
}

/** The storable form of any string: U+FFFD for each NUL and lone surrogate. */
export function replaceUnsafeText(s: string): string {
  if (!SUSPECT.test(s)) return s;
  return s.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATES, '\uFFFD');
}

/**
 * Every string (and object key) in a parsed input that breaks the rule, as problem fields named from `root`
 * (`body.name`, `query.targetId`, `body.items.2.text`). Iterative, so a deeply nested input cannot overflow the
 * stack; stops after `max` findings.
 */
export function findUnsafeStrings(value: unknown, root: string, max = 20): ProblemField[] {
  const found: ProblemField[] = [];
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0 && found.length < max) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      const rule = unsafeTextRule(v);
      if (rule) found.push({ path, message: rule });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}.${i}`]);
    } else if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i] as [string, unknown];
        const keyRule = unsafeTextRule(k);
        // A bad key is named by its storable form, so the problem body itself stays valid text.
        if (keyRule) found.push({ path: `${path}.${replaceUnsafeText(k)}`, message: `key ${keyRule}` });
        else stack.push([x, `${path}.${k}`]);
      }
    }
  }
  return found;
}

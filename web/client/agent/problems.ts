import { ApiError } from '../common.js';

/**
 * A problem from the API in the page's language. English pages show the API's own detail (it names field and rule);
 * other languages map what the problem carries (reason, type, status) to a translated text, keeping the detail for a
 * tooltip.
 */
export function problemText(err: unknown, t: Record<string, string>, lang: string): string {
  if (!(err instanceof ApiError)) return String(err);
  const p = err.problem;
  if (lang === 'en') return p.detail;
  const slug = p.type?.split('/').pop();
  const byReason = p.reason ? t[`problem_${p.reason}`] : undefined;
  const bySlug = slug === 'opted-out' ? t.problem_opted_out : undefined;
  const byStatus = t[`problem_${p.status}`];
  const field = p.status === 422 && p.errors?.[0]?.path ? ` (${p.errors[0].path})` : '';
  return (byReason ?? bySlug ?? byStatus ?? t.problem_other ?? p.detail) + field;
}

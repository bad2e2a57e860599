/** Shared by the customer's file pages: the token from the page, public API calls, sizes, messages per status. */

export type PageText = Record<string, string>;

export const tokenOfPage = (): string =>
  (JSON.parse(document.body.dataset.page ?? '{}') as { token?: string }).token ?? '';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** What to tell a customer for a refused link or upload (the API's detail is for developers). */
export function problemText(t: PageText, status: number, detail: string): string {
  if (status === 410) return t.filesGone!;
  if (status === 404 || status === 422) return t.filesUnknown!;
  if (status === 429) return t.filesTooMany!;
  if (status === 403) return t.uploadClosed!;
  return detail;
}

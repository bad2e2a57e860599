import { $, ApiError } from '../common.js';

/** Problems shown beside the fields they name (errors[].path), or at the top of the wizard. */
export function showProblem(err: unknown, prefix: string, fallback = 'wizard-error') {
  for (const p of Array.from(document.querySelectorAll<HTMLElement>(`[data-error-for^="${prefix}-"]`)))
    p.textContent = '';
  $(fallback).textContent = '';
  if (!(err instanceof ApiError)) {
    $(fallback).textContent = String(err);
    return;
  }
  let placed = false;
  for (const e of err.problem.errors ?? []) {
    const slot = document.querySelector<HTMLElement>(`[data-error-for="${prefix}-${e.path}"]`);
    if (slot) {
      slot.textContent = e.message.startsWith(e.path) ? e.message : `${e.path} ${e.message}`;
      document.getElementById(`${prefix}-${e.path}`)?.setAttribute('aria-invalid', 'true');
      placed = true;
    }
  }
  if (!placed) $(fallback).textContent = err.problem.detail;
}

export function clearErrors(prefix: string) {
  for (const p of Array.from(document.querySelectorAll<HTMLElement>(`[data-error-for^="${prefix}-"]`)))
    p.textContent = '';
  for (const i of Array.from(document.querySelectorAll<HTMLElement>(`[id^="${prefix}-"][aria-invalid]`)))
    i.removeAttribute('aria-invalid');
}

/** A problem from a list's inline action (save, delete), shown at the top of the page. */
export const alertProblem = (err: unknown) => {
  $('wizard-error').textContent = err instanceof ApiError ? err.problem.detail : String(err);
};

export function onSubmit(id: string, handler: () => Promise<void>) {
  $(id).addEventListener('submit', (e) => {
    e.preventDefault();
    void handler();
  });
}

import { $, ApiError } from '../common.js';
import { t } from './state.js';

/**
 * Problems shown beside the fields they name, in plain words in the page's language. API problems name fields by
 * their JSON path (errors[].path); a form maps them to its own field ids (`fields`), so an error never lands under
 * the wrong field. What no field claims goes to the top of the wizard.
 */

/** The page's wording for an API rule; the API's own sentence when no plain one fits. */
export function plainMessage(message: string): string {
  const m = message.toLowerCase();
  if (/already exists|duplicate|already bound|already in use/.test(m)) return t.dupName!;
  if (/is required|required|too small|at least 1 char|must not be empty|>=1 char/.test(m)) return t.errRequired!;
  if (/digit/.test(m)) return t.errDigits!;
  if (/too big|too long|at most/.test(m)) return t.errTooLong!;
  return message;
}

/** Writes `message` beside field `id` (its `<id>-error` slot) and marks the field invalid. */
export function fieldError(id: string, message: string) {
  const slot = document.getElementById(`${id}-error`);
  if (slot) slot.textContent = message;
  document.getElementById(id)?.setAttribute('aria-invalid', 'true');
}

export function clearFieldError(id: string) {
  const slot = document.getElementById(`${id}-error`);
  if (slot) slot.textContent = '';
  document.getElementById(id)?.removeAttribute('aria-invalid');
}

/**
 * Shows an API problem beside the fields it names: `fields` maps an API path to a field id (default
 * `<prefix>-<path>`). Returns whether some field took it.
 */
export function showProblem(
  err: unknown,
  prefix: string,
  fallback = 'wizard-error',
  fields: Record<string, string> = {},
): boolean {
  clearErrors(prefix);
  $(fallback).textContent = '';
  if (!(err instanceof ApiError)) {
    $(fallback).textContent = String(err);
    return false;
  }
  let placed = false;
  for (const e of err.problem.errors ?? []) {
    const id = fields[e.path] ?? `${prefix}-${e.path}`;
    if (document.getElementById(`${id}-error`)) {
      fieldError(id, plainMessage(e.message));
      placed = true;
    }
  }
  if (!placed) $(fallback).textContent = plainMessage(err.problem.detail);
  return placed;
}

export function clearErrors(prefix: string) {
  for (const p of Array.from(document.querySelectorAll<HTMLElement>(`[data-error-for^="${prefix}-"]`)))
    p.textContent = '';
  for (const i of Array.from(document.querySelectorAll<HTMLElement>(`[id^="${prefix}-"][aria-invalid]`)))
    i.removeAttribute('aria-invalid');
}

/** Checks that each listed field has a value; marks the empty ones. Returns true when all are filled. */
export function requireFilled(...ids: string[]): boolean {
  let ok = true;
  for (const id of ids) {
    const el = document.getElementById(id) as HTMLInputElement | null;
    if (el && !el.value.trim()) {
      fieldError(id, t.errRequired!);
      ok = false;
    }
  }
  if (!ok) (document.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus();
  return ok;
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

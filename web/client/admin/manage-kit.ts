import { $, ApiError, h } from '../common.js';
import { plainMessage } from './problems.js';
import { t } from './state.js';

/** Building blocks of the edit lists: labelled inputs, save, two-step delete, and problems shown in the section. */

export const text = (label: string, value: string, attrs: Record<string, string | number> = {}) =>
  h('input', { value, 'aria-label': label, ...attrs }) as HTMLInputElement;

export const num = (label: string, value: number, min: number, max: number) =>
  h('input', { type: 'number', value, min, max, 'aria-label': label }) as HTMLInputElement;

export const box = (label: string, on: boolean) =>
  h('input', { type: 'checkbox', checked: on, 'aria-label': label }) as HTMLInputElement;

export function select(label: string, options: [value: string, text: string][], chosen: string, multiple = false) {
  const chosenSet = new Set(multiple ? chosen.split(',') : [chosen]);
  return h(
    'select',
    { 'aria-label': label, multiple },
    ...options.map(([v, txt]) => h('option', { value: v, selected: chosenSet.has(v) }, txt)),
  ) as HTMLSelectElement;
}

export const labelled = (label: string, input: HTMLElement) => h('label', { class: 'inline' }, `${label} `, input);

/** Shows a problem (e.g. a 409 naming what uses the thing) at the top of the section, in plain words. */
export function sectionProblem(section: string, err: unknown) {
  $(`manage-${section}-error`).textContent = err instanceof ApiError ? plainMessage(err.problem.detail) : String(err);
}

/** Runs an action of a section and reloads the page's data afterwards; problems go to the section. */
export function action(section: string, run: () => Promise<unknown>, reload: () => Promise<void>) {
  return async () => {
    $(`manage-${section}-error`).textContent = '';
    // <html data-busy> while a change and the re-read run: the lists are about to be rebuilt.
    document.documentElement.dataset.busy = section;
    try {
      await run();
      await reload();
    } catch (err) {
      sectionProblem(section, err);
    } finally {
      delete document.documentElement.dataset.busy;
    }
  };
}

export const button = (label: string, onclick: () => void, cls = 'secondary') =>
  h('button', { type: 'button', class: cls, onclick }, label);

/** Delete asks once more on the same button ("Delete this?"), so a stray click deletes nothing. */
export function deleteButton(name: string, onDelete: () => void) {
  const b = h('button', { type: 'button', class: 'danger', 'aria-label': `${t.delete}: ${name}` }, t.delete);
  b.addEventListener('click', () => {
    if (b.dataset.armed) return onDelete();
    b.dataset.armed = '1';
    b.textContent = t.confirmDelete!;
    b.setAttribute('aria-label', `${t.confirmDelete} ${name}`);
  });
  return b;
}

export const item = (...children: (Node | string | null)[]) => h('div', { class: 'row manage-item' }, ...children);

import { $ } from '../common.js';

/** Moving between the wizard's steps; a step registers what to do when it is shown. */
const onEnterHooks = new Map<string, () => void>();

export function onEnter(step: string, hook: () => void) {
  onEnterHooks.set(step, hook);
}

export function go(step: string) {
  for (const f of Array.from(document.querySelectorAll<HTMLElement>('form.step'))) f.hidden = f.dataset.step !== step;
  let seen = true;
  for (const li of Array.from(document.querySelectorAll<HTMLElement>('#steps li'))) {
    const current = li.dataset.step === step;
    if (current) seen = false;
    li.classList.toggle('done', seen);
    if (current) li.setAttribute('aria-current', 'step');
    else li.removeAttribute('aria-current');
  }
  $('wizard-error').textContent = '';
  onEnterHooks.get(step)?.();
  document
    .querySelector<HTMLElement>(
      `form.step[data-step="${step}"] input, form.step[data-step="${step}"] select, form.step[data-step="${step}"] button`,
    )
    ?.focus();
}

export function initNavigation() {
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-next]'))) {
    b.addEventListener('click', () => go(b.dataset.next!));
  }
}

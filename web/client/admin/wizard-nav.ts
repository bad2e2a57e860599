import { $ } from '../common.js';
import { state } from './state.js';

/** Moving between the wizard's steps; a step registers what to do when it is shown. */
export const STEPS = ['account', 'numbers', 'callback', 'workstream', 'channel', 'summary'] as const;
export type Step = (typeof STEPS)[number];
const STORED = 'smsdesk.wizard.step';

const onEnterHooks = new Map<string, () => void>();
const onLeaveHooks = new Map<string, () => void>();
let current: Step = 'account';

export function onEnter(step: Step, hook: () => void) {
  onEnterHooks.set(step, hook);
}
export function onLeave(step: Step, hook: () => void) {
  onLeaveHooks.set(step, hook);
}

/** Next opens only when the step holds: a valid account, at least one number, a workstream, a channel. */
export function stepDone(step: Step): boolean {
  switch (step) {
    case 'account':
      return state.account?.validation.status === 'valid';
    case 'numbers':
      return state.numbers.length > 0;
    case 'callback':
      return state.account !== undefined;
    case 'workstream':
      return state.workstream !== undefined;
    case 'channel':
      return state.channel !== undefined;
    case 'summary':
      return true;
  }
}

export function refreshNext() {
  $<HTMLButtonElement>('account-next').disabled = !stepDone('account');
  $<HTMLButtonElement>('numbers-next').disabled = !stepDone('numbers');
  $<HTMLButtonElement>('workstream-next').disabled = !stepDone('workstream');
  $<HTMLButtonElement>('channel-next').disabled = !stepDone('channel');
}

/** Where setup stopped: the first step that does not hold (the callback step counts once it was passed). */
export function resumeStep(): Step {
  let stored = sessionStorage.getItem(STORED) as Step | null;
  if (stored && !STEPS.includes(stored)) stored = null;
  let first: Step = 'summary';
  for (const s of STEPS) {
    if (s === 'callback') {
      if (!state.workstream && stored !== 'workstream') {
        first = 'callback';
        break;
      }
      continue;
    }
    if (!stepDone(s)) {
      first = s;
      break;
    }
  }
  // A reload after going Back shows that earlier step again.
  return stored && STEPS.indexOf(stored) < STEPS.indexOf(first) ? stored : first;
}

export function go(step: Step) {
  onLeaveHooks.get(current)?.();
  current = step;
  sessionStorage.setItem(STORED, step);
  for (const f of Array.from(document.querySelectorAll<HTMLElement>('form.step'))) f.hidden = f.dataset.step !== step;
  let seen = true;
  for (const li of Array.from(document.querySelectorAll<HTMLElement>('#steps li'))) {
    const isCurrent = li.dataset.step === step;
    if (isCurrent) seen = false;
    li.classList.toggle('done', seen);
    if (isCurrent) li.setAttribute('aria-current', 'step');
    else li.removeAttribute('aria-current');
  }
  $('wizard-error').textContent = '';
  refreshNext();
  onEnterHooks.get(step)?.();
  document
    .querySelector<HTMLElement>(
      `form.step[data-step="${step}"] input, form.step[data-step="${step}"] select, form.step[data-step="${step}"] button`,
    )
    ?.focus();
}

export function initNavigation() {
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-next]'))) {
    b.addEventListener('click', () => go(b.dataset.next as Step));
  }
}

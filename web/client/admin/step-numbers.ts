import { $, h } from '../common.js';
import { client, send } from './api.js';
import { clearErrors, fieldError, onSubmit, requireFilled, showProblem } from './problems.js';
import { choice, state, t, val } from './state.js';
import { loadSetup } from './wizard-data.js';
import { go, onEnter, refreshNext } from './wizard-nav.js';

/** Wizard step 2: the account's phone numbers (those it already has are listed). */
export function renderNumbers() {
  $('numbers-added').replaceChildren(
    ...state.numbers.map((n) => h('li', {}, `${n.number} (${n.type})${n.channelId ? ' ✓' : ''}`)),
  );
  refreshNext();
}

function duplicateNumber(): boolean {
  const number = val('number-number');
  if (!number || !state.allNumbers.some((n) => n.number === number)) return false;
  fieldError('number-number', t.dupNumber!);
  return true;
}

export function initNumbersStep() {
  onEnter('numbers', renderNumbers);
  $('number-number').addEventListener('input', () => {
    clearErrors('number');
    duplicateNumber();
  });
  onSubmit('form-numbers', async () => {
    if (!state.account) return go('account');
    clearErrors('number');
    if (!requireFilled('number-number')) return;
    if (!/^\d+$/.test(val('number-number'))) return fieldError('number-number', t.errDigits!);
    if (duplicateNumber()) return;
    try {
      const description = val('number-description');
      await send(
        client['messaging-accounts'][':id']['phone-numbers'].$post({
          param: { id: state.account.id },
          json: {
            number: val('number-number'),
            type: choice('number-type'),
            ...(description ? { description } : {}),
          },
        }),
      );
      await loadSetup();
      renderNumbers();
      $<HTMLInputElement>('number-number').value = '';
    } catch (err) {
      showProblem(err, 'number');
    }
  });
}

import { $, h } from '../common.js';
import { client, send } from './api.js';
import { clearErrors, onSubmit, showProblem } from './problems.js';
import { choice, state, val } from './state.js';
import { go } from './wizard-nav.js';

/** Wizard step 2: the account's phone numbers. */
export function initNumbersStep() {
  onSubmit('form-numbers', async () => {
    if (!state.account) return go('account');
    clearErrors('number');
    try {
      const description = val('number-description');
      const n = await send(
        client['messaging-accounts'][':id']['phone-numbers'].$post({
          param: { id: state.account.id },
          json: {
            number: val('number-number'),
            type: choice('number-type'),
            ...(description ? { description } : {}),
          },
        }),
      );
      state.numbers.push(n);
      $('numbers-added').append(h('li', {}, `${n.number} (${n.type})`));
      $<HTMLInputElement>('number-number').value = '';
      $<HTMLButtonElement>('numbers-next').disabled = false;
      $('channel-number').replaceChildren(...state.numbers.map((x) => h('option', { value: x.id }, x.number)));
    } catch (err) {
      showProblem(err, 'number');
    }
  });
}

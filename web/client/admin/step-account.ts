import { $ } from '../common.js';
import { client, send } from './api.js';
import { clearErrors, onSubmit, showProblem } from './problems.js';
import { state, t, val } from './state.js';

/** Wizard step 1: the TeleSign messaging account, created then validated against TeleSign. */
export function initAccountStep() {
  onSubmit('form-account', async () => {
    clearErrors('account');
    try {
      const restEndpoint = val('account-restEndpoint');
      state.account = await send(
        client['messaging-accounts'].$post({
          json: {
            name: val('account-name'),
            provider: 'telesign',
            customerId: val('account-customerId'),
            apiKey: $<HTMLInputElement>('account-apiKey').value,
            ...(restEndpoint ? { restEndpoint } : {}),
          },
        }),
      );
      // The key is write-only: clear it from the page as soon as the server has it.
      const key = $<HTMLInputElement>('account-apiKey');
      key.value = '';
      key.placeholder = state.account.apiKeyHint;
      key.required = false;
      $<HTMLButtonElement>('create-account').disabled = true;
      $<HTMLButtonElement>('validate').disabled = false;
      $<HTMLButtonElement>('account-next').disabled = false;
      $('validation').textContent = `${state.account.name} · ${state.account.apiKeyHint}`;
      $('validate').focus();
    } catch (err) {
      showProblem(err, 'account');
    }
  });

  $('validate').addEventListener('click', async () => {
    if (!state.account) return;
    const out = $('validation');
    out.textContent = '…';
    try {
      const r = await send(client['messaging-accounts'][':id'].validate.$post({ param: { id: state.account.id } }));
      out.className = r.valid ? 'ok' : 'error';
      out.textContent = r.valid ? t.valid! : `${t.invalid}: ${r.reason ?? ''}`;
      out.dataset.valid = String(r.valid);
      state.account.validation = { status: r.valid ? 'valid' : 'invalid', ...(r.reason ? { reason: r.reason } : {}) };
    } catch (err) {
      showProblem(err, 'account');
      out.textContent = '';
    }
  });
}

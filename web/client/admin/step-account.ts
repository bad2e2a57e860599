import { $, h } from '../common.js';
import type { Account } from './api.js';
import { client, send } from './api.js';
import { clearErrors, fieldError, onSubmit, requireFilled, showProblem } from './problems.js';
import { sameName, state, t, val } from './state.js';
import { loadSetup } from './wizard-data.js';
import { refreshNext } from './wizard-nav.js';

/**
 * Wizard step 1: the TeleSign messaging account. Existing accounts are listed to continue with; a new one is created
 * then validated against TeleSign. Next opens only for a valid account; duplicates are named before creating.
 */

function renderValidation() {
  const out = $('validation');
  const a = state.account;
  out.className = '';
  delete out.dataset.valid;
  if (!a) {
    out.textContent = '';
    return;
  }
  if (a.validation.status === 'valid') {
    out.className = 'ok';
    out.textContent = t.valid!;
    out.dataset.valid = 'true';
  } else if (a.validation.status === 'invalid') {
    out.className = 'error';
    out.textContent = `${t.invalid}: ${a.validation.reason ?? ''}`;
    out.dataset.valid = 'false';
  } else out.textContent = `${a.name} · ${a.apiKeyHint}`;
}

/** Continue with an account that exists: its fields show, the key stays on the server. */
export function selectAccount(a: Account) {
  state.account = a;
  state.numbers = state.allNumbers.filter((n) => n.accountId === a.id);
  $<HTMLInputElement>('account-name').value = a.name;
  $<HTMLInputElement>('account-customerId').value = a.customerId;
  $<HTMLInputElement>('account-restEndpoint').value = a.restEndpoint ?? '';
  const key = $<HTMLInputElement>('account-apiKey');
  key.value = '';
  key.placeholder = a.apiKeyHint;
  key.required = false;
  $<HTMLButtonElement>('create-account').disabled = true;
  $<HTMLButtonElement>('validate').disabled = false;
  $('replace-key').hidden = false;
  clearErrors('account');
  renderValidation();
  renderExistingAccounts();
  refreshNext();
}

function renderExistingAccounts() {
  const list = $('account-existing');
  list.hidden = state.accounts.length === 0;
  $('account-existing-list').replaceChildren(
    ...state.accounts.map((a) =>
      h(
        'li',
        {},
        `${a.name} · ${a.customerId} · ${a.apiKeyHint} · ${a.validation.status}${a.enabled ? '' : ` · ${t.disabled}`} `,
        a.id === state.account?.id
          ? h('strong', {}, '✓')
          : h('button', { type: 'button', class: 'secondary', onclick: () => selectAccount(a) }, t.useThis),
      ),
    ),
  );
}

/** Warns, as the admin types, that an account with this customer ID or name or key already exists. */
function duplicateOf(): { field: string; account: Account; message: string } | null {
  const customerId = val('account-customerId');
  const name = val('account-name');
  const key = $<HTMLInputElement>('account-apiKey').value;
  const others = state.accounts.filter((a) => a.id !== state.account?.id);
  const byCustomer = others.find((a) => customerId && a.customerId.toLowerCase() === customerId.toLowerCase());
  if (byCustomer)
    return { field: 'account-customerId', account: byCustomer, message: `${t.dupAccount} ${byCustomer.name}` };
  const byKey = others.find((a) => key.length >= 12 && a.apiKeyHint === `…${[...key].slice(-4).join('')}`);
  if (byKey) return { field: 'account-apiKey', account: byKey, message: `${t.dupAccount} ${byKey.name}` };
  const byName = others.find((a) => name && sameName(a.name, name));
  if (byName) return { field: 'account-name', account: byName, message: t.dupName! };
  return null;
}

function checkDuplicates(): boolean {
  for (const id of ['account-customerId', 'account-apiKey', 'account-name']) {
    const slot = $(`${id}-error`);
    if (slot.dataset.dup) {
      slot.textContent = '';
      delete slot.dataset.dup;
      $(id).removeAttribute('aria-invalid');
    }
  }
  const dup = duplicateOf();
  if (!dup) return false;
  fieldError(dup.field, dup.message);
  const slot = $(`${dup.field}-error`);
  slot.dataset.dup = '1';
  slot.append(
    ' ',
    h('button', { type: 'button', class: 'link', onclick: () => selectAccount(dup.account) }, t.useThis),
  );
  return true;
}

export function initAccountStep() {
  // Editing the customer ID away from the chosen account starts a new one.
  for (const id of ['account-name', 'account-customerId', 'account-apiKey', 'account-restEndpoint']) {
    $(id).addEventListener('input', () => {
      if (state.account && id === 'account-customerId' && val(id) !== state.account.customerId) {
        state.account = undefined;
        state.numbers = [];
        $<HTMLInputElement>('account-apiKey').required = true;
        $<HTMLInputElement>('account-apiKey').placeholder = '';
        $<HTMLButtonElement>('create-account').disabled = false;
        $<HTMLButtonElement>('validate').disabled = true;
        $('replace-key').hidden = true;
        renderValidation();
        renderExistingAccounts();
        refreshNext();
      }
      if (!state.account) checkDuplicates();
    });
  }

  onSubmit('form-account', async () => {
    if (state.account) return;
    clearErrors('account');
    if (!requireFilled('account-name', 'account-customerId', 'account-apiKey')) return;
    if (checkDuplicates()) return;
    try {
      const restEndpoint = val('account-restEndpoint');
      const created = await send(
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
      await loadSetup();
      selectAccount(state.accounts.find((a) => a.id === created.id) ?? created);
      $('validate').focus();
    } catch (err) {
      showProblem(err, 'account');
    }
  });

  // A key TeleSign refused is replaced in place (PATCH, write-only), then validated again.
  $('replace-key').addEventListener('click', async () => {
    if (!state.account) return;
    clearErrors('account');
    if (!requireFilled('account-apiKey')) return;
    try {
      const restEndpoint = val('account-restEndpoint');
      state.account = await send(
        client['messaging-accounts'][':id'].$patch({
          param: { id: state.account.id },
          json: { apiKey: $<HTMLInputElement>('account-apiKey').value, restEndpoint: restEndpoint || null },
        }),
      );
      await loadSetup();
      selectAccount(state.account);
      $('validate').click();
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
      state.account.validation = { status: r.valid ? 'valid' : 'invalid', ...(r.reason ? { reason: r.reason } : {}) };
      renderValidation();
      renderExistingAccounts();
      refreshNext();
    } catch (err) {
      showProblem(err, 'account');
      out.textContent = '';
    }
  });
}

/** After loading: list what exists and, when resuming, continue with the account already set up. */
export function showAccounts(resume: Account | undefined) {
  if (resume) selectAccount(resume);
  else renderExistingAccounts();
}

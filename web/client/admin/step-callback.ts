import { $ } from '../common.js';
import { state, t } from './state.js';
import { onEnter } from './wizard-nav.js';

/** Wizard step 3: the callback URL to register with TeleSign, with a copy button. */
export function initCallbackStep() {
  onEnter('callback', () => {
    $<HTMLInputElement>('callback-url').value = state.account?.callbackUrl ?? '';
  });
  $('copy-callback').addEventListener('click', async () => {
    const input = $<HTMLInputElement>('callback-url');
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      // Clipboard API needs a secure context; fall back to selecting the text for Ctrl+C.
      input.select();
    }
    $('copy-status').textContent = t.copied!;
  });
}

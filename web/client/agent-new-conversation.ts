import { SMS_MAX_CHARACTERS } from '../../domain/sms-limits.js';
import { analyzeSms } from '../../domain/sms-segments.js';
import { $, ApiError, call, client, h, pageData } from './common.js';

/** "New conversation": the agent texts a customer first, from a number of one of their queues' channels. */

const v1 = client.api.v1;
const { t } = pageData<{ t: Record<string, string> }>();

function clearErrors() {
  for (const id of ['ws-new-number', 'ws-new-channel', 'ws-new-text']) {
    $(`${id}-error`).textContent = '';
    $(id).removeAttribute('aria-invalid');
  }
  $('ws-new-error').textContent = '';
}

const FIELD: Record<string, string> = {
  customerNumber: 'ws-new-number',
  channelId: 'ws-new-channel',
  supportNumber: 'ws-new-channel',
  text: 'ws-new-text',
};

/** `onStarted` opens the conversation the API answered with. */
export function initNewConversation(onStarted: (conversationId: string) => void) {
  const dialog = $<HTMLDialogElement>('ws-new-dialog');
  const number = $<HTMLInputElement>('ws-new-number');
  const channel = $<HTMLSelectElement>('ws-new-channel');
  const text = $<HTMLTextAreaElement>('ws-new-text');
  const submit = $<HTMLButtonElement>('ws-new-submit');

  const counter = () => {
    const a = analyzeSms(text.value);
    $('ws-new-counter').textContent =
      `${a.characters} / ${SMS_MAX_CHARACTERS} ${t.characters} · ${t.segments}: ${a.segments} (${a.encoding})`;
  };
  text.addEventListener('input', counter);

  $('ws-new-open').addEventListener('click', async () => {
    clearErrors();
    counter();
    dialog.showModal();
    number.focus();
    try {
      const { items } = await call(v1['outbound-channels'].$get());
      channel.replaceChildren(
        ...items.map((c) => h('option', { value: c.channelId }, `+${c.supportNumber} · ${c.workstreamName}`)),
      );
      submit.disabled = items.length === 0;
      if (items.length === 0) $('ws-new-error').textContent = t.wsNoChannels!;
    } catch (err) {
      $('ws-new-error').textContent = err instanceof ApiError ? err.problem.detail : String(err);
    }
  });
  $('ws-new-cancel').addEventListener('click', () => dialog.close());

  $('ws-new-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors();
    submit.disabled = true;
    try {
      const started = await call(
        v1.conversations.$post({
          json: { customerNumber: number.value.trim(), channelId: channel.value, text: text.value },
        }),
      );
      dialog.close();
      number.value = '';
      text.value = '';
      onStarted(started.conversation.id);
    } catch (err) {
      if (!(err instanceof ApiError)) {
        $('ws-new-error').textContent = String(err);
        return;
      }
      const p = err.problem;
      $('ws-new-error').textContent = p.detail === 'opted_out' ? t.wsOptedOutRefused! : p.detail;
      for (const f of p.errors ?? []) {
        const id = FIELD[f.path];
        if (!id || p.detail === 'opted_out') continue;
        $(`${id}-error`).textContent = f.message;
        $(id).setAttribute('aria-invalid', 'true');
      }
    } finally {
      submit.disabled = false;
    }
  });
}

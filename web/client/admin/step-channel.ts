import { $, h } from '../common.js';
import { client, send } from './api.js';
import { clearErrors, fieldError, onSubmit, showProblem } from './problems.js';
import { checked, choice, state, t } from './state.js';
import { loadSetup } from './wizard-data.js';
import { go, onEnter, refreshNext } from './wizard-nav.js';

/** Wizard step 5: the SMS channel binding a number to the workstream; one that exists is shown instead. */
function render() {
  const free = state.numbers.filter((n) => !n.channelId);
  $('channel-number').replaceChildren(...free.map((x) => h('option', { value: x.id }, x.number)));
  const ch = state.channel;
  $('channel-existing').hidden = !ch;
  $('channel-existing').textContent = ch ? `${t.existingSetup}: ${ch.number} · ${ch.language}` : '';
  refreshNext();
}

export function initChannelStep() {
  onEnter('channel', render);
  onSubmit('form-channel', async () => {
    if (!state.workstream) return go('workstream');
    clearErrors('channel');
    if (!$<HTMLSelectElement>('channel-number').value) return fieldError('channel-phoneNumberId', t.errRequired!);
    const automatedMessages: Record<string, string> = {};
    for (const ta of Array.from(document.querySelectorAll<HTMLTextAreaElement>('textarea[data-trigger]'))) {
      if (ta.value.trim()) automatedMessages[ta.dataset.trigger!] = ta.value;
    }
    try {
      state.channel = await send(
        client.workstreams[':id']['sms-channels'].$post({
          param: { id: state.workstream.id },
          json: {
            phoneNumberId: $<HTMLSelectElement>('channel-number').value,
            language: choice('channel-language'),
            attachments: {
              customersCanSend: checked('channel-customersCanSend'),
              agentsCanSend: checked('channel-agentsCanSend'),
            },
            automatedMessages,
          },
        }),
      );
      await loadSetup();
      go('summary');
    } catch (err) {
      showProblem(err, 'channel');
    }
  });
}

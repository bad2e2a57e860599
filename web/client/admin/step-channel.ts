import { $ } from '../common.js';
import { client, send } from './api.js';
import { clearErrors, onSubmit, showProblem } from './problems.js';
import { checked, choice, state } from './state.js';
import { go } from './wizard-nav.js';

/** Wizard step 5: the SMS channel binding a number to the workstream. */
export function initChannelStep() {
  onSubmit('form-channel', async () => {
    if (!state.workstream) return go('workstream');
    clearErrors('channel');
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
      go('summary');
    } catch (err) {
      showProblem(err, 'channel');
    }
  });
}

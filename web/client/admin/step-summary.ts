import { $, h } from '../common.js';
import { client, send } from './api.js';
import { onSubmit } from './problems.js';
import { state, t } from './state.js';
import { onEnter } from './wizard-nav.js';

/** Wizard step 6: what was set up. */
function renderSummary() {
  const queue = state.queues.find((q) => q.id === state.workstream?.defaultQueueId);
  const rows: [string, string][] = [
    [
      t.stepAccount!,
      `${state.account?.name ?? '–'} (${state.account?.customerId ?? ''}, ${state.account?.apiKeyHint ?? ''})`,
    ],
    [t.validate!, state.account?.validation.status ?? '–'],
    [t.stepNumbers!, state.numbers.map((n) => n.number).join(', ') || '–'],
    [t.stepCallback!, state.account?.callbackUrl ?? '–'],
    [
      t.stepWorkstream!,
      `${state.workstream?.name ?? '–'} · ${state.workstream?.distributionMode ?? ''} · ${queue?.name ?? ''}`,
    ],
    [t.stepChannel!, state.channel ? `${state.channel.number} · ${state.channel.language}` : '–'],
  ];
  $('summary').replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export function initSummaryStep() {
  onEnter('summary', renderSummary);
  onSubmit('form-summary', async () => {
    if (state.account)
      state.account = await send(client['messaging-accounts'][':id'].$get({ param: { id: state.account.id } }));
    renderSummary();
    $('done').hidden = false;
    $<HTMLButtonElement>('finish').disabled = true;
  });
}

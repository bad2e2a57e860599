import { $, h } from '../common.js';
import type { Workstream } from './api.js';
import { client, send } from './api.js';
import { clearErrors, fieldError, onSubmit, requireFilled, showProblem } from './problems.js';
import { loadQueues } from './queues.js';
import { loadWorkstreams } from './rules.js';
import { choice, sameName, state, t, val } from './state.js';
import { loadSetup } from './wizard-data.js';
import { go, onEnter, refreshNext } from './wizard-nav.js';

/** Wizard step 4: the workstream and its default queue (an existing one or a new one); existing ones are listed. */
export const WORKSTREAM_KEY = 'smsdesk.wizard.workstream';

export function selectWorkstream(w: Workstream) {
  state.workstream = w;
  sessionStorage.setItem(WORKSTREAM_KEY, w.id);
  state.channel = state.channels.find((c) => c.workstreamId === w.id && c.accountId === state.account?.id);
  renderExisting();
  refreshNext();
}

function renderExisting() {
  $('workstream-existing').hidden = state.workstreams.length === 0;
  $('workstream-existing-list').replaceChildren(
    ...state.workstreams.map((w) =>
      h(
        'li',
        {},
        `${w.name} · ${w.distributionMode} · ${state.queues.find((q) => q.id === w.defaultQueueId)?.name ?? ''} `,
        w.id === state.workstream?.id
          ? h('strong', {}, '✓')
          : h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: () => {
                  selectWorkstream(w);
                  go('channel');
                },
              },
              t.useThis,
            ),
      ),
    ),
  );
}

function duplicates(): boolean {
  let dup = false;
  const name = val('workstream-name');
  if (name && state.workstreams.some((w) => sameName(w.name, name) && w.id !== state.workstream?.id)) {
    fieldError('workstream-name', t.dupName!);
    dup = true;
  }
  const newQueue = val('workstream-newQueue');
  if (!$<HTMLSelectElement>('workstream-queue').value && state.queues.some((q) => sameName(q.name, newQueue))) {
    fieldError('workstream-newQueue', t.dupName!);
    dup = true;
  }
  return dup;
}

export function initWorkstreamStep() {
  onEnter('workstream', renderExisting);
  for (const id of ['workstream-name', 'workstream-newQueue', 'workstream-queue']) {
    $(id).addEventListener('input', () => {
      clearErrors('workstream');
      duplicates();
    });
  }
  onSubmit('form-workstream', async () => {
    clearErrors('workstream');
    const existingQueue = $<HTMLSelectElement>('workstream-queue').value;
    if (!requireFilled('workstream-name', ...(existingQueue ? [] : ['workstream-newQueue']))) return;
    if (duplicates()) return;
    try {
      let queueId = existingQueue;
      if (!queueId) {
        try {
          const q = await send(
            client.queues.$post({
              json: { name: val('workstream-newQueue'), assignmentMethod: 'highest_capacity', agentIds: [] },
            }),
          );
          queueId = q.id;
        } catch (err) {
          // The queue's fields are this form's "new queue" field, never the workstream's name.
          showProblem(err, 'workstream', 'wizard-error', { name: 'workstream-newQueue' });
          return;
        }
        await loadQueues();
      }
      const created = await send(
        client.workstreams.$post({
          json: {
            name: val('workstream-name'),
            distributionMode: choice<'push' | 'pick'>('workstream-mode'),
            defaultQueueId: queueId,
          },
        }),
      );
      await loadWorkstreams();
      await loadSetup();
      selectWorkstream(created);
      go('channel');
    } catch (err) {
      showProblem(err, 'workstream');
    }
  });
}

import { $, h } from '../common.js';
import { client, send } from './api.js';
import { deleteButton } from './manage-kit.js';
import { alertProblem, clearErrors, onSubmit, showProblem } from './problems.js';
import { choice, state, t, val } from './state.js';

/** The queues list (rename) and the new-queue form; also fills every queue picker on the page. */
export async function loadQueues() {
  state.queues = (await send(client.queues.$get())).items;
  // Panels that build their own queue pickers (operating hours, queue rules) re-read on this.
  document.dispatchEvent(new CustomEvent('queues-changed'));
  const opts = () => state.queues.map((q) => h('option', { value: q.id }, q.name));
  const wsQueue = $<HTMLSelectElement>('workstream-queue');
  const chosen = wsQueue.value;
  wsQueue.replaceChildren(h('option', { value: '' }, `+ ${t.newQueue}`), ...opts());
  wsQueue.value = chosen;
  $('rule-queue').replaceChildren(...opts());
  $('queues').replaceChildren(
    ...state.queues.map((q) => {
      const name = h('input', { value: q.name, 'aria-label': `${t.name}: ${q.name}` }) as HTMLInputElement;
      const method = h(
        'select',
        { 'aria-label': `Assignment: ${q.name}` },
        ...(['highest_capacity', 'round_robin', 'least_active'] as const).map((m) =>
          h('option', { value: m, selected: m === q.assignmentMethod }, m),
        ),
      ) as HTMLSelectElement;
      return h(
        'tr',
        {},
        h('td', {}, name),
        h('td', {}, method),
        h('td', {}, String(q.agentIds.length)),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: () =>
                void send(
                  client.queues[':id'].$patch({
                    param: { id: q.id },
                    json: {
                      name: name.value,
                      assignmentMethod: method.value as 'highest_capacity' | 'round_robin' | 'least_active',
                    },
                  }),
                ).then(loadQueues, alertProblem),
            },
            t.save,
          ),
          deleteButton(
            q.name,
            () => void send(client.queues[':id'].$delete({ param: { id: q.id } })).then(loadQueues, alertProblem),
          ),
        ),
      );
    }),
  );
}

export function initQueues() {
  onSubmit('form-queue', async () => {
    clearErrors('queue');
    try {
      await send(
        client.queues.$post({
          json: {
            name: val('queue-name'),
            assignmentMethod: choice<'highest_capacity' | 'round_robin' | 'least_active'>('queue-method'),
            agentIds: [],
          },
        }),
      );
      $<HTMLInputElement>('queue-name').value = '';
      await loadQueues();
    } catch (err) {
      showProblem(err, 'queue');
    }
  });
}

import type { Role } from '../../../domain/vocabulary.js';
import { $, h } from '../common.js';
import { client, send } from './api.js';
import { alertProblem, clearErrors, onSubmit, showProblem } from './problems.js';
import { loadQueues } from './queues.js';
import { choice, state, t, val } from './state.js';

/** The agents list (capacity, queue membership) and the new-agent form (its token shown once). */
export async function loadAgents() {
  const items = (await send(client.agents.$get({ query: {} }))).items;
  $('agents').replaceChildren(
    ...items.map((a) => {
      const cap = h('input', {
        type: 'number',
        min: 0,
        max: 100,
        value: a.capacity,
        'aria-label': `${t.capacity}: ${a.name}`,
      }) as HTMLInputElement;
      const qs = h(
        'select',
        { multiple: true, 'aria-label': `${t.queues}: ${a.name}` },
        ...state.queues.map((q) => h('option', { value: q.id, selected: a.queueIds.includes(q.id) }, q.name)),
      ) as HTMLSelectElement;
      const save = async () => {
        try {
          await send(client.agents[':id'].$patch({ param: { id: a.id }, json: { capacity: Number(cap.value) } }));
          // Queue membership lives on the queue: add or remove this agent from each changed queue.
          for (const q of state.queues) {
            const want = Array.from(qs.selectedOptions).some((o) => o.value === q.id);
            const has = q.agentIds.includes(a.id);
            if (want === has) continue;
            const agentIds = want ? [...q.agentIds, a.id] : q.agentIds.filter((x) => x !== a.id);
            await send(client.queues[':id'].$patch({ param: { id: q.id }, json: { agentIds } }));
          }
          await loadQueues();
          await loadAgents();
        } catch (err) {
          alertProblem(err);
        }
      };
      // Disable instead of delete: the user keeps their history, cannot sign in and gets no work.
      const toggle = async () => {
        try {
          await send(client.agents[':id'].$patch({ param: { id: a.id }, json: { disabled: !a.disabled } }));
          await loadAgents();
        } catch (err) {
          alertProblem(err);
        }
      };
      return h(
        'tr',
        { 'data-disabled': String(a.disabled) },
        h('td', {}, a.disabled ? `${a.name} (${t.disabled})` : a.name),
        h('td', {}, a.role),
        h('td', {}, cap),
        h('td', {}, qs),
        h(
          'td',
          {},
          h('button', { type: 'button', class: 'secondary', onclick: () => void save() }, t.save),
          h(
            'button',
            { type: 'button', class: a.disabled ? 'secondary' : 'danger', onclick: () => void toggle() },
            a.disabled ? t.enable : t.disable,
          ),
        ),
      );
    }),
  );
}

export function initAgents() {
  onSubmit('form-agent', async () => {
    clearErrors('agent');
    try {
      const a = await send(
        client.agents.$post({
          json: {
            name: val('agent-name'),
            role: choice<Role>('agent-role'),
            capacity: Number(val('agent-capacity')),
          },
        }),
      );
      const box = $('agent-token');
      box.hidden = false;
      box.replaceChildren(`${t.tokenOnce} — ${a.name}: `, h('code', {}, a.token));
      $<HTMLInputElement>('agent-name').value = '';
      await loadAgents();
    } catch (err) {
      showProblem(err, 'agent');
    }
  });
}

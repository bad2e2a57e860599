import { $, ApiError, h } from '../common.js';
import { client, send } from './api.js';
import { alertProblem, onSubmit } from './problems.js';
import { choice, state, t, val } from './state.js';

/** Routing rules of the chosen workstream: list, add, delete. Also loads the workstream list. */
export async function loadWorkstreams() {
  state.workstreams = (await send(client.workstreams.$get())).items;
  const sel = $<HTMLSelectElement>('rules-workstream');
  const chosen = sel.value || state.workstream?.id || '';
  sel.replaceChildren(...state.workstreams.map((w) => h('option', { value: w.id }, w.name)));
  if (chosen) sel.value = chosen;
  await loadRules();
}

async function loadRules() {
  const ws = $<HTMLSelectElement>('rules-workstream').value;
  if (!ws) return $('rules').replaceChildren();
  const rules = (await send(client.workstreams[':id']['routing-rules'].$get({ param: { id: ws } }))).items;
  // Reordering swaps two rules' order values; (workstream, order) is unique, so one goes through a free value.
  const swap = async (a: (typeof rules)[number], b: (typeof rules)[number]) => {
    const rule = client.workstreams[':id']['routing-rules'][':ruleId'];
    const free = Math.max(...rules.map((x) => x.order)) + 1;
    try {
      await send(rule.$patch({ param: { id: ws, ruleId: a.id }, json: { order: free } }));
      await send(rule.$patch({ param: { id: ws, ruleId: b.id }, json: { order: a.order } }));
      await send(rule.$patch({ param: { id: ws, ruleId: a.id }, json: { order: b.order } }));
    } catch (err) {
      alertProblem(err);
    }
    await loadRules();
  };
  $('rules').replaceChildren(
    ...rules.map((r, i) =>
      h(
        'tr',
        {},
        h(
          'td',
          {},
          String(r.order),
          i > 0
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'link',
                  'aria-label': `${t.moveUp}: ${r.name}`,
                  onclick: () => void swap(r, rules[i - 1]!),
                },
                '↑',
              )
            : null,
          i < rules.length - 1
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'link',
                  'aria-label': `${t.moveDown}: ${r.name}`,
                  onclick: () => void swap(r, rules[i + 1]!),
                },
                '↓',
              )
            : null,
        ),
        h('td', {}, r.name),
        h('td', {}, r.conditions.map((c) => `${c.field} ${c.operator} "${c.value}"`).join(' AND ')),
        h('td', {}, state.queues.find((q) => q.id === r.queueId)?.name ?? r.queueId),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: () =>
                void send(
                  client.workstreams[':id']['routing-rules'][':ruleId'].$delete({ param: { id: ws, ruleId: r.id } }),
                ).then(loadRules, alertProblem),
            },
            t.delete,
          ),
        ),
      ),
    ),
  );
}

export function initRules() {
  $('rules-workstream').addEventListener('change', () => void loadRules());
  onSubmit('form-rule', async () => {
    const ws = $<HTMLSelectElement>('rules-workstream').value;
    $('rule-error').textContent = '';
    try {
      await send(
        client.workstreams[':id']['routing-rules'].$post({
          param: { id: ws },
          json: {
            name: val('rule-name'),
            order: Number(val('rule-order')),
            conditions: [
              {
                field: choice('rule-field'),
                operator: choice('rule-operator'),
                value: val('rule-value'),
              },
            ],
            queueId: $<HTMLSelectElement>('rule-queue').value,
          },
        }),
      );
      await loadRules();
    } catch (err) {
      $('rule-error').textContent = err instanceof ApiError ? err.problem.detail : String(err);
    }
  });
}

import { $, call, formatDuration, h } from '../common.js';
import { type AgentRow, type Conversation, runAction, v1 } from './api.js';
import { showError, staff, state, t } from './context.js';
import { select } from './conversation-view.js';
import { onRefresh, scheduleRefresh } from './refresh.js';

/** The supervisor tables under the workspace: queues, agents, ongoing conversations with assign and force close. */

let agents: AgentRow[] = [];

async function superviseAct(run: () => Promise<Conversation>) {
  try {
    await run();
    scheduleRefresh();
  } catch (err) {
    showError(err);
  }
}

export async function loadSupervisor() {
  if (!staff) return;
  const { queues } = state;
  const [stats, overview, ongoing] = await Promise.all([
    Promise.all(queues.map((q) => call(v1.queues[':id'].stats.$get({ param: { id: q.id } })).then((s) => ({ q, s })))),
    call(v1.agents.overview.$get()),
    // Ongoing only: closed conversations would crowd the page.
    call(v1.conversations.$get({ query: { state: 'open,active,waiting,wrap_up', limit: '200' } })),
  ]);
  agents = overview.items;
  $('sup-queues').replaceChildren(
    ...stats.map(({ q, s }) =>
      h(
        'tr',
        {},
        h('td', {}, q.name),
        h('td', {}, String(s.open)),
        h('td', {}, String(s.waiting)),
        h('td', {}, String(s.active)),
        h('td', {}, formatDuration(s.longestWaitSeconds)),
      ),
    ),
  );
  $('sup-agents').replaceChildren(
    ...agents.map((a) =>
      h(
        'tr',
        {},
        h('td', {}, a.name),
        h('td', {}, t[a.presence] ?? a.presence),
        h('td', {}, `${a.capacity.used} / ${a.capacity.total}`),
      ),
    ),
  );
  const agentName = (id: string | null) => agents.find((a) => a.id === id)?.name ?? '–';
  $('sup-ongoing').replaceChildren(
    ...ongoing.items
      .filter((c) => c.state !== 'closed')
      .map((c) => {
        const pick = h(
          'select',
          { 'aria-label': `${t.assign} +${c.customerNumber}` },
          ...agents.map((a) => h('option', { value: a.id }, a.name)),
        ) as HTMLSelectElement;
        return h(
          'tr',
          {},
          h(
            'td',
            {},
            h('button', { type: 'button', class: 'link', onclick: () => select(c.id) }, `+${c.customerNumber}`),
          ),
          h('td', {}, t[c.state] ?? c.state),
          h('td', {}, queues.find((q) => q.id === c.queueId)?.name ?? '–'),
          h('td', {}, agentName(c.agentId)),
          h(
            'td',
            {},
            c.state === 'open' ? pick : '',
            c.state === 'open'
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    onclick: () => superviseAct(() => runAction(c.id, 'assign', { agentId: pick.value })),
                  },
                  t.assign,
                )
              : '',
            ' ',
            h(
              'button',
              { type: 'button', class: 'danger', onclick: () => superviseAct(() => runAction(c.id, 'force-close')) },
              t.forceClose,
            ),
          ),
        );
      }),
  );
}

export function initSupervisor() {
  onRefresh(loadSupervisor);
}

import { slaCell } from '../agent-sla.js';
import { $, call, formatDuration, h } from '../common.js';
import { type AgentRow, type Conversation, type ConversationSummary, runAction, v1 } from './api.js';
import { showError, staff, state, t } from './context.js';
import { select } from './conversation-view.js';
import { onRefresh, scheduleRefresh } from './refresh.js';
import { parseTarget } from './transfer.js';

type OngoingItem = ConversationSummary;

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
  $('sup-ongoing').replaceChildren(...ongoing.items.filter((c) => c.state !== 'closed').map(ongoingRow));
}

/** One ongoing conversation with the actions the server allows this supervisor on it (assign, transfer, force close). */
function ongoingRow(c: OngoingItem): HTMLElement {
  const { queues } = state;
  const allowed = new Set<string>(c.allowedActions);
  const agentName = (id: string | null) => agents.find((a) => a.id === id)?.name ?? '–';
  const label = (what: string) => `${what} +${c.customerNumber}`;
  const cells: (HTMLElement | string)[] = [];
  if (allowed.has('assign') && c.state === 'open') {
    const pick = h(
      'select',
      { 'aria-label': label(t.assign!) },
      ...agents.map((a) => h('option', { value: a.id }, a.name)),
    ) as HTMLSelectElement;
    cells.push(
      pick,
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => superviseAct(() => runAction(c.id, 'assign', { agentId: pick.value })),
        },
        t.assign,
      ),
      ' ',
    );
  }
  if (allowed.has('transfer')) {
    const target = h(
      'select',
      { 'aria-label': label(t.transferToLabel!) },
      h(
        'optgroup',
        { label: t.transferQueues! },
        ...queues.filter((q) => q.id !== c.queueId).map((q) => h('option', { value: `queue:${q.id}` }, q.name)),
      ),
      h(
        'optgroup',
        { label: t.transferAgents! },
        ...agents.filter((a) => a.id !== c.agentId).map((a) => h('option', { value: `agent:${a.id}` }, a.name)),
      ),
    ) as HTMLSelectElement;
    cells.push(
      target,
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            const to = parseTarget(target.value);
            if (to) void superviseAct(() => runAction(c.id, 'transfer', to));
          },
        },
        t.transfer,
      ),
      ' ',
    );
  }
  if (allowed.has('force-close')) {
    cells.push(
      h(
        'button',
        { type: 'button', class: 'danger', onclick: () => superviseAct(() => runAction(c.id, 'force-close')) },
        t.forceClose,
      ),
    );
  }
  return h(
    'tr',
    {},
    h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => select(c.id) }, `+${c.customerNumber}`)),
    h('td', {}, t[c.state] ?? c.state),
    h('td', {}, queues.find((q) => q.id === c.queueId)?.name ?? '–'),
    h('td', {}, agentName(c.agentId)),
    slaCell(c, t),
    h('td', { class: 'row-actions' }, ...cells),
  );
}

export function initSupervisor() {
  onRefresh(loadSupervisor);
}

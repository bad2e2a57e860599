import { $, call, formatTime, h } from '../common.js';
import { type Conversation, conversationById, type Message, type PlainAction, runAction } from './api.js';
import { conversationRendered, data, mine, showError, state, t } from './context.js';
import { backlogIds, markSelected, onListSelect } from './lists.js';
import { onRefresh, scheduleRefresh } from './refresh.js';

/** The selected conversation: header, actions, transcript. The composer and side panels follow conversationRendered. */

function renderMessage(m: Message): HTMLElement {
  const status =
    m.direction === 'inbound' || m.direction === 'note'
      ? m.direction
      : `${m.status}${m.providerStatusCode !== null ? ` (${m.providerStatusCode})` : ''}`;
  return h(
    'li',
    { class: `msg ${m.direction}`, 'data-status': m.status, 'data-direction': m.direction },
    m.text,
    h(
      'span',
      { class: 'meta' },
      `${formatTime(m.createdAt)} · ${status} · ${t.segments}: ${m.segments}${m.error ? ` · ${m.error}` : ''}`,
    ),
  );
}

export function renderConversation(c: Conversation) {
  $('empty').hidden = true;
  $('conv').hidden = false;
  $('conv-title').textContent = `+${c.customerNumber}`;
  const queue = state.queues.find((q) => q.id === c.queueId)?.name ?? '';
  $('conv-meta').textContent = `${t[c.state] ?? c.state} · ${queue} · → +${c.supportNumber}`;
  $('conv').dataset.state = c.state;
  const link = document.getElementById('temporal-link') as HTMLAnchorElement | null;
  if (link) link.href = c.workflow.uiUrl;
  $('opted-out').hidden = !c.customer.optedOut;
  const offered = c.state === 'open' && c.offeredAgentId === data.user.id;
  const own = mine(c);
  const show: Record<string, boolean> = {
    pick: c.state === 'open' && !c.agentId && backlogIds.has(c.id),
    accept: offered,
    reject: offered,
    wait: own && c.state === 'active',
    end: own && (c.state === 'active' || c.state === 'waiting'),
    close: own && c.state !== 'closed',
    transfer: own && (c.state === 'active' || c.state === 'waiting'),
  };
  for (const btn of Array.from(document.querySelectorAll<HTMLButtonElement>('#conv-actions [data-action]'))) {
    btn.hidden = !show[btn.dataset.action!];
  }
  ($('transfer-queue').parentElement as HTMLElement).hidden = !show.transfer;
  const list = $('transcript');
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 20;
  list.replaceChildren(...(c.messages ?? []).map(renderMessage));
  if (atBottom) list.scrollTop = list.scrollHeight;
  conversationRendered.emit(c);
}

export async function select(id: string) {
  state.selectedId = id;
  markSelected(id);
  $('action-error').textContent = '';
  await loadSelected();
  $('reply').focus();
}

export async function loadSelected() {
  if (!state.selectedId) return;
  state.selected = await call(conversationById.$get({ param: { id: state.selectedId } }));
  renderConversation(state.selected);
}

/** Runs an action on the selected conversation and shows the conversation it answers with. */
export async function act(run: (id: string) => Promise<Conversation>) {
  if (!state.selectedId) return;
  $('action-error').textContent = '';
  try {
    state.selected = await run(state.selectedId);
    renderConversation(state.selected);
    scheduleRefresh();
  } catch (err) {
    showError(err);
  }
}

export function initConversationView() {
  onListSelect((id) => void select(id));
  onRefresh(loadSelected);
  for (const btn of Array.from(document.querySelectorAll<HTMLButtonElement>('#conv-actions [data-action]'))) {
    btn.addEventListener('click', () => {
      const action = btn.dataset.action as PlainAction | 'transfer';
      if (action === 'transfer') {
        const queueId = $<HTMLSelectElement>('transfer-queue').value;
        return act((id) => runAction(id, 'transfer', { queueId }));
      }
      return act((id) => runAction(id, action));
    });
  }
}

/** The queues for names and the transfer picker. */
export function renderQueues() {
  $('transfer-queue').replaceChildren(...state.queues.map((q) => h('option', { value: q.id }, q.name)));
}

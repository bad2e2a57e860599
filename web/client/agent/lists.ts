import { $, call, h } from '../common.js';
import { type ConversationSummary, v1 } from './api.js';
import { data, state } from './context.js';

/** The left-hand lists: offered, open work items (pick backlog), active, waiting, wrap-up, closed today. */

export type ListName = 'offered' | 'backlog' | 'active' | 'waiting' | 'wrap_up' | 'closed';

function bucket(c: ConversationSummary): Exclude<ListName, 'backlog' | 'closed'> | null {
  if (c.state === 'open') return c.offeredAgentId === data.user.id && !c.agentId ? 'offered' : null;
  if (c.state === 'closed') return null;
  return c.state;
}

/** Pick-mode conversations the caller may take ("Open work items" → "Assign to me"). */
let mineItems: ConversationSummary[] = [];
let backlogItems: ConversationSummary[] = [];
let closedItems: ConversationSummary[] = [];

let onSelect: (id: string) => void = () => {};
/** The conversation view registers how a click on an item opens it. */
export const onListSelect = (fn: (id: string) => void) => {
  onSelect = fn;
};

function listItem(c: ConversationSummary): HTMLElement {
  return h(
    'li',
    {},
    h(
      'button',
      {
        type: 'button',
        'data-id': c.id,
        'aria-current': c.id === state.selectedId ? 'true' : undefined,
        onclick: () => onSelect(c.id),
      },
      h('strong', {}, `+${c.customerNumber}`),
      h('span', { class: 'preview' }, c.lastMessage?.text ?? ''),
    ),
  );
}

export function renderLists() {
  const groups: Record<ListName, HTMLElement[]> = {
    offered: [],
    backlog: [],
    active: [],
    waiting: [],
    wrap_up: [],
    closed: [],
  };
  for (const c of mineItems) {
    const b = bucket(c);
    if (b) groups[b].push(listItem(c));
  }
  groups.backlog = backlogItems.map(listItem);
  groups.closed = closedItems.map(listItem);
  for (const [k, items] of Object.entries(groups)) {
    $(`list-${k}`).replaceChildren(...items);
    $(`count-${k}`).textContent = String(items.length);
  }
}

/** Marks the selected item without re-rendering the lists. */
export function markSelected(id: string) {
  for (const b of Array.from(document.querySelectorAll<HTMLElement>('.lists button[data-id]'))) {
    b.setAttribute('aria-current', String(b.dataset.id === id));
  }
}

/** The caller's own and offered conversations: reloaded on every event addressed to them. */
export async function loadLists() {
  const [page, closed] = await Promise.all([
    call(v1.me.conversations.$get({ query: { limit: '200' } })),
    call(v1.me.conversations.$get({ query: { state: 'closed', limit: '50' } })),
    loadBacklog(false),
  ]);
  mineItems = page.items;
  // "Closed work items": closed today; opening one shows the transcript, it does not reopen it.
  const today = new Date().toDateString();
  closedItems = closed.items.filter((c) => c.closedAt && new Date(c.closedAt).toDateString() === today);
  renderLists();
}

export let backlogIds = new Set<string>();

export async function loadBacklog(render = true) {
  backlogItems = (await call(v1.me.backlog.$get({ query: { limit: '100' } }))).items;
  backlogIds = new Set(backlogItems.map((c) => c.id));
  if (render) renderLists();
}

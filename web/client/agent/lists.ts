import { $, call, h } from '../common.js';
import { type ConversationSummary, v1 } from './api.js';
import { data, signal, state, t } from './context.js';
import { unreadOf } from './unread.js';

/** The left-hand lists: offered, missed, open work items (pick backlog), active, waiting, wrap-up, closed today. */

export type ListName = 'offered' | 'missed' | 'backlog' | 'active' | 'waiting' | 'wrap_up' | 'closed';
/** A missed offer as the list keeps it (the conversation itself is no longer visible to this agent). */
export type MissedOffer = { id: string; customerNumber: string; preview: string; at: string };

function bucket(c: ConversationSummary): 'offered' | 'active' | 'waiting' | 'wrap_up' | null {
  if (c.state === 'open') return c.offeredAgentId === data.user.id && !c.agentId ? 'offered' : null;
  if (c.state === 'closed') return null;
  return c.state;
}

let mineItems: ConversationSummary[] = [];
/** Pick-mode conversations the caller may take ("Open work items" → "Assign to me"). */
let backlogItems: ConversationSummary[] = [];
let closedItems: ConversationSummary[] = [];
let missedItems: MissedOffer[] = [];

/** Fired after each reload of the caller's own lists (offers and alerts compare with the previous one). */
export const listsLoaded = signal<ConversationSummary[]>();

let onSelect: (id: string) => void = () => {};
/** The conversation view registers how a click on an item opens it. */
export const onListSelect = (fn: (id: string) => void) => {
  onSelect = fn;
};

export const setMissed = (items: MissedOffer[]) => {
  missedItems = items;
  renderLists();
};

/** "Offer expires in 42 s": whole seconds left until `iso`, never below zero. */
export function countdownText(iso: string): { text: string; left: number } {
  const left = Math.max(Math.ceil((Date.parse(iso) - Date.now()) / 1000), 0);
  return { text: `${t.offerExpiresIn} ${left} ${t.seconds}`, left };
}

/** The customer's own last text is the preview, never our greeting. */
const preview = (c: ConversationSummary) => (c.lastCustomerMessage ?? c.lastMessage)?.text ?? '';

function listItem(c: ConversationSummary, list: ListName): HTMLElement {
  const unread = list === 'closed' ? 0 : unreadOf(c);
  const offerEnds = list === 'offered' && c.offerExpiresAt ? c.offerExpiresAt : undefined;
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
      unread ? h('span', { class: 'unread', 'data-unread': unread }, `${unread} ${t.unread}`) : null,
      offerEnds ? h('span', { class: 'countdown', 'data-offer-ends': offerEnds }, countdownText(offerEnds).text) : null,
      h('span', { class: 'preview' }, preview(c)),
    ),
  );
}

function missedItem(m: MissedOffer): HTMLElement {
  return h(
    'li',
    { class: 'missed', 'data-id': m.id },
    h('strong', {}, `+${m.customerNumber}`),
    ' ',
    h('time', { datetime: m.at }, new Date(m.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })),
    h('span', { class: 'preview' }, m.preview),
  );
}

export function renderLists() {
  const groups: Record<ListName, ConversationSummary[]> = {
    offered: [],
    missed: [],
    backlog: backlogItems,
    active: [],
    waiting: [],
    wrap_up: [],
    closed: closedItems,
  };
  for (const c of mineItems) {
    const b = bucket(c);
    if (b) groups[b].push(c);
  }
  for (const [k, items] of Object.entries(groups) as [ListName, ConversationSummary[]][]) {
    if (k === 'missed') {
      $('list-missed').replaceChildren(...missedItems.map(missedItem));
      $('count-missed').textContent = String(missedItems.length);
      continue;
    }
    $(`list-${k}`).replaceChildren(...items.map((c) => listItem(c, k)));
    $(`count-${k}`).textContent = String(items.length);
    const unread = k === 'closed' ? 0 : items.reduce((n, c) => n + unreadOf(c), 0);
    const badge = $(`unread-${k}`);
    badge.hidden = unread === 0;
    badge.textContent = `${unread} ${t.unread}`;
  }
}

/** Marks the selected item without re-rendering the lists. */
export function markSelected(id: string) {
  for (const b of Array.from(document.querySelectorAll<HTMLElement>('.lists button[data-id]'))) {
    b.setAttribute('aria-current', String(b.dataset.id === id));
  }
}

/** The conversations in the lists, in display order (for next / previous). */
export function listedIds(): string[] {
  return Array.from(document.querySelectorAll<HTMLElement>('.lists button[data-id]')).map((b) => b.dataset.id!);
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
  listsLoaded.emit(mineItems);
}

export let backlogIds = new Set<string>();

export async function loadBacklog(render = true) {
  backlogItems = (await call(v1.me.backlog.$get({ query: { limit: '100' } }))).items;
  backlogIds = new Set(backlogItems.map((c) => c.id));
  if (render) renderLists();
}

import { $, ApiError, call } from '../common.js';
import { type Conversation, conversationById, type PlainAction, runAction } from './api.js';
import { conversationRendered, data, showError, state, t } from './context.js';
import { markSelected, onListSelect, renderLists } from './lists.js';
import {
  answeredOffer,
  hideOfferStatus,
  offerMissed,
  onOfferOpen,
  renderOfferCountdown,
  wasOfferedToMe,
} from './offers.js';
import { onRefresh, scheduleRefresh } from './refresh.js';
import { renderMessage } from './transcript.js';
import { transferChoice } from './transfer.js';
import { markRead } from './unread.js';

/**
 * The selected conversation: header, actions, transcript. The buttons shown are exactly the conversation's
 * allowedActions, computed by the server for this user now. The composer, the transfer picker and side panels
 * follow conversationRendered.
 */

const actionButtons = () => Array.from(document.querySelectorAll<HTMLButtonElement>('#conv-actions [data-action]'));

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
  const allowed = new Set<string>(c.allowedActions);
  for (const btn of actionButtons()) btn.hidden = !allowed.has(btn.dataset.action!);
  $('transfer-picker').hidden = !allowed.has('transfer');
  $('note-form').hidden = !allowed.has('note');
  renderOfferCountdown(c);
  const list = $('transcript');
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 20;
  list.replaceChildren(...(c.messages ?? []).map(renderMessage));
  if (atBottom) list.scrollTop = list.scrollHeight;
  if (markRead(c.id, c.messages.filter((m) => m.direction === 'inbound').length)) renderLists();
  conversationRendered.emit(c);
}

/** Nothing selected any more (the offer went away, or the conversation is no longer visible). */
function clearSelection(message?: string) {
  state.selectedId = null;
  state.selected = null;
  $('conv').hidden = true;
  $('empty').hidden = false;
  markSelected('');
  if (message) $('action-error').textContent = message;
}

export async function select(id: string) {
  state.selectedId = id;
  markSelected(id);
  $('action-error').textContent = '';
  hideOfferStatus();
  await loadSelected();
  // Straight to typing when the conversation can be answered; otherwise to its first action.
  if (!$<HTMLTextAreaElement>('reply').disabled) $('reply').focus();
  else
    actionButtons()
      .find((b) => !b.hidden)
      ?.focus();
}

/**
 * Answers can arrive out of order (a reload started before an action may finish after it): each request is numbered
 * and an answer older than the one shown is dropped, so a stale "open" never hides the buttons of an accepted offer.
 */
let requested = 0;
let shown = 0;
/** Conversations with an action in flight: its answer, not a reload racing it, says whether the conversation is gone. */
const acting = new Set<string>();
function show(ticket: number, c: Conversation): boolean {
  if (ticket < shown || state.selectedId !== c.id) return false;
  shown = ticket;
  state.selected = c;
  renderConversation(c);
  return true;
}

export async function loadSelected() {
  const id = state.selectedId;
  if (!id) return;
  const ticket = ++requested;
  try {
    show(ticket, await call(conversationById.$get({ param: { id } })));
  } catch (err) {
    // Another conversation is shown by now, or a parallel reload already cleared this one: nothing to say.
    if (state.selectedId !== id || ticket < shown) return;
    // Gone from this agent's view (offer expired or withdrawn, transferred away): clear it, no raw error.
    if (err instanceof ApiError && err.problem.status === 404) {
      if (acting.has(id)) return;
      // An offer that went away is explained by the offer alerts ("timed out…"), not as an error.
      const wasOffer =
        (state.selected?.state === 'open' && state.selected.offeredAgentId === data.user.id) || wasOfferedToMe(id);
      clearSelection(wasOffer || !$('offer-status').hidden ? undefined : t.conversationGone);
      return;
    }
    throw err;
  }
}

/** Runs an action on the selected conversation and shows the conversation it answers with. */
export async function act(run: (id: string) => Promise<Conversation>): Promise<boolean> {
  const id = state.selectedId;
  if (!id) return false;
  $('action-error').textContent = '';
  acting.add(id);
  try {
    // Numbered on arrival: the action's answer is read after the change, newer than any reload started before it.
    const c = await run(id);
    show(++requested, c);
    scheduleRefresh();
    return true;
  } catch (err) {
    showError(err);
    scheduleRefresh();
    return false;
  } finally {
    acting.delete(id);
  }
}

async function runButton(action: PlainAction | 'transfer') {
  const id = state.selectedId;
  if (!id) return;
  if (action === 'accept' || action === 'reject') answeredOffer(id);
  if (action === 'transfer') {
    const target = transferChoice();
    if (target) await act((cid) => runAction(cid, 'transfer', target));
    return;
  }
  const ok = await act((cid) => runAction(cid, action));
  // After Accept the agent answers: the keyboard goes to the reply box.
  if (ok && (action === 'accept' || action === 'pick')) $('reply').focus();
}

/** Accept the selected offer (keyboard shortcut), if the button is offered. */
export function acceptSelected() {
  const btn = actionButtons().find((b) => b.dataset.action === 'accept' && !b.hidden);
  if (btn) void runButton('accept');
}

export function initConversationView() {
  onListSelect((id) => void select(id));
  onOfferOpen((id) => void select(id));
  offerMissed.on((id) => {
    if (state.selectedId === id) clearSelection();
  });
  onRefresh(loadSelected);
  for (const btn of actionButtons()) {
    btn.addEventListener('click', () => void runButton(btn.dataset.action as PlainAction | 'transfer'));
  }
}

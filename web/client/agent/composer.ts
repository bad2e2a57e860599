import { SMS_MAX_CHARACTERS as MAX_CHARS } from '../../../domain/sms-limits.js';
import { analyzeSms } from '../../../domain/sms-segments.js';
import { $, call } from '../common.js';
import { conversationById, runAction } from './api.js';
import { conversationRendered, showError, state, t } from './context.js';
import { act, loadSelected } from './conversation-view.js';

/** The reply box with its segment counter, and the internal-note form. */

const reply = $<HTMLTextAreaElement>('reply');
const send = $<HTMLButtonElement>('send');
const counter = $('counter');

export function updateCounter() {
  const a = analyzeSms(reply.value);
  const over = a.characters > MAX_CHARS;
  counter.textContent = over
    ? `${a.characters} / ${MAX_CHARS} ${t.characters} — ${t.tooLong}`
    : `${a.characters} / ${MAX_CHARS} ${t.characters} · ${t.segments}: ${a.segments} (${a.encoding})`;
  counter.classList.toggle('over', over);
  // The server says whether this user may reply now (owner, active or waiting, customer not opted out).
  const canSend = !!state.selected?.allowedActions.includes('send');
  send.disabled = !canSend || over || !reply.value.trim();
  reply.disabled = !canSend;
}

/** Inserts text at the caret (quick replies and others use this), keeping the counter current. */
export function insertText(text: string) {
  const start = reply.selectionStart ?? reply.value.length;
  const end = reply.selectionEnd ?? start;
  reply.setRangeText(text, start, end, 'end');
  updateCounter();
  reply.focus();
}

export function initComposer() {
  reply.addEventListener('input', updateCounter);
  conversationRendered.on(updateCounter);

  $('composer').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (send.disabled || !state.selectedId) return;
    const text = reply.value;
    send.disabled = true;
    // Cleared at once (the live event may show the message before the answer arrives); given back on a refusal.
    reply.value = '';
    try {
      await call(conversationById.messages.$post({ param: { id: state.selectedId }, json: { text } }));
      await loadSelected();
    } catch (err) {
      if (!reply.value) reply.value = text;
      showError(err);
    } finally {
      updateCounter();
    }
  });
  // Enter sends (as in every chat tool); Shift+Enter makes a new line. Not while an input method composes.
  reply.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    $<HTMLFormElement>('composer').requestSubmit();
  });

  $('note-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const note = $<HTMLTextAreaElement>('note');
    if (!note.value.trim()) return;
    const text = note.value;
    await act((id) => runAction(id, 'notes', { text }));
    note.value = '';
    await loadSelected();
  });
}

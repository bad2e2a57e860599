import { $, call } from '../common.js';
import { type ConversationSummary, v1 } from './api.js';
import { data, showError, signal, state, t } from './context.js';
import { countdownText, listsLoaded, type MissedOffer, setMissed } from './lists.js';
import { scheduleRefresh } from './refresh.js';
import { load, save } from './storage.js';

/**
 * Offer alerts: a sound (per-user setting), a browser notification while the tab is hidden, the count in the tab
 * title, a screen-reader announcement, and a countdown to the offer's timeout. An offer that goes away without the
 * agent accepting or rejecting it becomes a "missed" entry with a plain message.
 */

/** An offer of this id went away without the agent answering it (the conversation view clears itself). */
export const offerMissed = signal<string>();

const baseTitle = document.title;
let known = new Map<string, ConversationSummary>();
let firstLoad = true;
/** Offers this agent answered (accept or reject): their disappearance is not a miss. */
const answered = new Set<string>();
export const answeredOffer = (id: string) => answered.add(id);

/** Was this conversation offered to this agent (still listed, or already counted as missed)? */
export const wasOfferedToMe = (id: string) => known.has(id) || missed.some((m) => m.id === id);

let missed: MissedOffer[] = load('missed', []);

function isOfferedToMe(c: ConversationSummary) {
  return c.state === 'open' && c.offeredAgentId === data.user.id && !c.agentId;
}

// ---- sound ----
const soundBox = $<HTMLInputElement>('offer-sound');
let audio: AudioContext | undefined;
function beep() {
  if (!soundBox.checked) return;
  try {
    audio ??= new AudioContext();
    void audio.resume();
    // Two short tones: noticeable, not alarming.
    for (const [i, freq] of [880, 1175].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(audio.destination);
      const at = audio.currentTime + i * 0.18;
      osc.start(at);
      osc.stop(at + 0.15);
    }
  } catch {
    // No audio device: the other alerts still work.
  }
}

// ---- notifications ----
const allowButton = $<HTMLButtonElement>('allow-notifications');
const canNotify = () => typeof Notification !== 'undefined';
function renderPermission() {
  allowButton.hidden = !canNotify() || Notification.permission !== 'default';
}

let onOpen: (id: string) => void = () => {};
export const onOfferOpen = (fn: (id: string) => void) => {
  onOpen = fn;
};

function notify(c: ConversationSummary) {
  if (!canNotify() || Notification.permission !== 'granted' || !document.hidden) return;
  const n = new Notification(t.newOffer!, {
    body: `+${c.customerNumber}: ${(c.lastCustomerMessage ?? c.lastMessage)?.text ?? ''}`,
    tag: `offer-${c.id}`,
  });
  n.onclick = () => {
    window.focus();
    onOpen(c.id);
    n.close();
  };
}

function announce(text: string) {
  const el = $('announcer');
  // Cleared first so the same text is announced again.
  el.textContent = '';
  window.setTimeout(() => {
    el.textContent = text;
  }, 50);
}

function showStatus(text: string) {
  const el = $('offer-status');
  el.textContent = text;
  el.hidden = false;
}

function renderTitle(offers: number) {
  document.title = offers > 0 ? `(${offers}) ${baseTitle}` : baseTitle;
}

function onLists(items: ConversationSummary[]) {
  const offered = items.filter(isOfferedToMe);
  const now = new Map(offered.map((c) => [c.id, c]));
  for (const c of offered) {
    if (known.has(c.id) || firstLoad) continue;
    beep();
    notify(c);
    announce(`${t.newOffer}: +${c.customerNumber}`);
  }
  for (const [id, c] of known) {
    if (now.has(id) || answered.has(id)) continue;
    // Still ours in another state (accepted elsewhere, e.g. in another tab): not a miss.
    if (items.some((i) => i.id === id && i.agentId === data.user.id)) continue;
    missed = [
      {
        id,
        customerNumber: c.customerNumber,
        preview: (c.lastCustomerMessage ?? c.lastMessage)?.text ?? '',
        at: new Date().toISOString(),
      },
      ...missed.filter((m) => m.id !== id),
    ].slice(0, 20);
    save('missed', missed);
    setMissed(missed);
    showStatus(t.offerExpired!);
    announce(t.offerExpired!);
    offerMissed.emit(id);
  }
  known = now;
  firstLoad = false;
  renderTitle(offered.length);
}

// ---- countdown ----
let lastExpiryRefresh = 0;
function tick() {
  let expired = false;
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-offer-ends]'))) {
    const { text, left } = countdownText(el.dataset.offerEnds!);
    if (el.textContent !== text) el.textContent = text;
    if (left === 0) expired = true;
  }
  // The server times the offer out; no event reaches the agent it left, so look again until it is gone.
  if (expired && Date.now() - lastExpiryRefresh > 2000) {
    lastExpiryRefresh = Date.now();
    scheduleRefresh();
  }
}

/** Wires the alerts; resolves once the user's sound setting is loaded (it lives on the server, for any browser). */
export function initOffers(): Promise<void> {
  soundBox.addEventListener('change', () => {
    void call(v1.me.preferences.$put({ json: { offerSound: soundBox.checked } })).catch(showError);
  });
  renderPermission();
  allowButton.addEventListener('click', async () => {
    if (canNotify()) await Notification.requestPermission();
    renderPermission();
  });
  setMissed(missed.filter((m) => new Date(m.at).toDateString() === new Date().toDateString()));
  listsLoaded.on(onLists);
  window.setInterval(tick, 1000);
  return call(v1.me.preferences.$get()).then((p) => {
    soundBox.checked = p.offerSound;
  });
}

/** Renders the countdown of the selected conversation's offer (empty when there is none for this agent). */
export function renderOfferCountdown(c: { id: string; offerExpiresAt: string | null; offeredAgentId: string | null }) {
  const el = $('offer-countdown');
  const mineOffer = c.offeredAgentId === data.user.id && c.offerExpiresAt && c.id === state.selectedId;
  el.hidden = !mineOffer;
  if (mineOffer) el.dataset.offerEnds = c.offerExpiresAt!;
  else delete el.dataset.offerEnds;
  tick();
}

export const hideOfferStatus = () => {
  $('offer-status').hidden = true;
};

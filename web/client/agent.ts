import { analyzeSms } from '../../domain/sms-segments.js';
import { $, ApiError, api, formatDuration, formatTime, h, pageData } from './common.js';

/** Agent workspace: presence, live conversation lists over SSE, the conversation view and the supervisor tables. */

type Role = 'agent' | 'supervisor' | 'admin';
type Message = {
  id: string;
  direction: 'inbound' | 'outbound' | 'automated' | 'bot' | 'note';
  text: string;
  status: string;
  providerStatusCode: number | null;
  segments: number;
  encoding: string;
  error: string | null;
  createdAt: string;
};
type Conversation = {
  id: string;
  state: 'open' | 'active' | 'waiting' | 'wrap_up' | 'closed';
  agentId: string | null;
  offeredAgentId: string | null;
  queueId: string | null;
  customerNumber: string;
  supportNumber: string;
  customer: { optedOut: boolean };
  workflow: { uiUrl: string };
  lastMessage?: Message | null;
  messages?: Message[];
  updatedAt: string;
  closedAt: string | null;
};
type Me = { id: string; role: Role; presence: string; capacity: { total: number; used: number } };
type Queue = { id: string; name: string };
type AgentRow = { id: string; name: string; presence: string; capacity: { total: number; used: number } };
type QueueStats = { open: number; waiting: number; active: number; longestWaitSeconds: number };

const MAX_CHARS = 1600;
const data = pageData<{ user: { id: string; role: Role }; t: Record<string, string>; staff: boolean }>();
const t = data.t;
const staff = data.staff;

let me: Me | null = null;
let selectedId: string | null = null;
let selected: Conversation | null = null;
let queues: Queue[] = [];
let agents: AgentRow[] = [];

// ---- presence and capacity ----
const presence = $<HTMLSelectElement>('presence');
async function loadMe() {
  me = await api<Me>('GET', '/me');
  presence.value = me.presence;
  presence.disabled = false;
  $('capacity').textContent = `${me.capacity.used} / ${me.capacity.total}`;
}
presence.addEventListener('change', async () => {
  me = await api<Me>('PUT', '/me/presence', { presence: presence.value });
  $('capacity').textContent = `${me.capacity.used} / ${me.capacity.total}`;
});

// ---- lists ----
function bucket(c: Conversation): 'offered' | 'active' | 'waiting' | 'wrap_up' | null {
  if (c.state === 'open') return c.offeredAgentId === data.user.id && !c.agentId ? 'offered' : null;
  if (c.state === 'closed') return null;
  return c.state;
}

/** Pick-mode conversations the caller may take ("Open work items" → "Assign to me"). */
let backlogIds = new Set<string>();
let mineItems: Conversation[] = [];
let backlogItems: Conversation[] = [];
let closedItems: Conversation[] = [];

function listItem(c: Conversation): HTMLElement {
  return h(
    'li',
    {},
    h(
      'button',
      {
        type: 'button',
        'data-id': c.id,
        'aria-current': c.id === selectedId ? 'true' : undefined,
        onclick: () => select(c.id),
      },
      h('strong', {}, `+${c.customerNumber}`),
      h('span', { class: 'preview' }, c.lastMessage?.text ?? ''),
    ),
  );
}

function renderLists() {
  const groups: Record<string, HTMLElement[]> = {
    offered: [],
    backlog: [],
    active: [],
    waiting: [],
    wrap_up: [],
    closed: [],
  };
  for (const c of mineItems) {
    const b = bucket(c);
    if (b) groups[b]!.push(listItem(c));
  }
  groups.backlog = backlogItems.map(listItem);
  groups.closed = closedItems.map(listItem);
  for (const [k, items] of Object.entries(groups)) {
    $(`list-${k}`).replaceChildren(...items);
    $(`count-${k}`).textContent = String(items.length);
  }
}

/** The caller's own and offered conversations: reloaded on every event addressed to them. */
async function loadLists() {
  const [page, closed] = await Promise.all([
    api<{ items: Conversation[] }>('GET', '/me/conversations?limit=200'),
    api<{ items: Conversation[] }>('GET', '/me/conversations?state=closed&limit=50'),
    loadBacklog(false),
  ]);
  mineItems = page.items;
  // "Closed work items": closed today; opening one shows the transcript, it does not reopen it.
  const today = new Date().toDateString();
  closedItems = closed.items.filter((c) => c.closedAt && new Date(c.closedAt).toDateString() === today);
  renderLists();
}

async function loadBacklog(render = true) {
  backlogItems = (await api<{ items: Conversation[] }>('GET', '/me/backlog?limit=100')).items;
  backlogIds = new Set(backlogItems.map((c) => c.id));
  if (render) renderLists();
}

// ---- conversation view ----
const reply = $<HTMLTextAreaElement>('reply');
const send = $<HTMLButtonElement>('send');
const counter = $('counter');

function updateCounter() {
  const a = analyzeSms(reply.value);
  const over = a.characters > MAX_CHARS;
  counter.textContent = over
    ? `${a.characters} / ${MAX_CHARS} ${t.characters} — ${t.tooLong}`
    : `${a.characters} / ${MAX_CHARS} ${t.characters} · ${t.segments}: ${a.segments} (${a.encoding})`;
  counter.classList.toggle('over', over);
  const canSend =
    !!selected && mine(selected) && !selected.customer.optedOut && ['active', 'waiting'].includes(selected.state);
  send.disabled = !canSend || over || !reply.value.trim();
  reply.disabled = !canSend;
}
reply.addEventListener('input', updateCounter);

const mine = (c: Conversation) => c.agentId === data.user.id;

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

function renderConversation(c: Conversation) {
  $('empty').hidden = true;
  $('conv').hidden = false;
  $('conv-title').textContent = `+${c.customerNumber}`;
  const queue = queues.find((q) => q.id === c.queueId)?.name ?? '';
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
  updateCounter();
}

async function select(id: string) {
  selectedId = id;
  for (const b of Array.from(document.querySelectorAll<HTMLElement>('.lists button[data-id]'))) {
    b.setAttribute('aria-current', String(b.dataset.id === id));
  }
  $('action-error').textContent = '';
  await loadSelected();
  reply.focus();
}

async function loadSelected() {
  if (!selectedId) return;
  selected = await api<Conversation>('GET', `/conversations/${selectedId}`);
  renderConversation(selected);
}

function showError(err: unknown) {
  $('action-error').textContent = err instanceof ApiError ? err.problem.detail : String(err);
}

async function act(action: string, body?: unknown) {
  if (!selectedId) return;
  $('action-error').textContent = '';
  try {
    selected = await api<Conversation>('POST', `/conversations/${selectedId}/${action}`, body);
    renderConversation(selected);
    scheduleRefresh();
  } catch (err) {
    showError(err);
  }
}

for (const btn of Array.from(document.querySelectorAll<HTMLButtonElement>('#conv-actions [data-action]'))) {
  btn.addEventListener('click', () => {
    const action = btn.dataset.action!;
    if (action === 'transfer') return act('transfer', { queueId: $<HTMLSelectElement>('transfer-queue').value });
    return act(action);
  });
}

$('composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (send.disabled || !selectedId) return;
  const text = reply.value;
  send.disabled = true;
  try {
    await api('POST', `/conversations/${selectedId}/messages`, { text });
    reply.value = '';
    await loadSelected();
  } catch (err) {
    showError(err);
  } finally {
    updateCounter();
  }
});
// Ctrl/Cmd+Enter sends, Enter alone makes a new line (SMS texts often have several).
reply.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $<HTMLFormElement>('composer').requestSubmit();
});

$('note-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const note = $<HTMLTextAreaElement>('note');
  if (!note.value.trim()) return;
  await act('notes', { text: note.value });
  note.value = '';
  await loadSelected();
});

async function loadQueues() {
  queues = (await api<{ items: Queue[] }>('GET', '/queues')).items;
  $('transfer-queue').replaceChildren(...queues.map((q) => h('option', { value: q.id }, q.name)));
}

// ---- supervisor ----
async function loadSupervisor() {
  if (!staff) return;
  const [stats, overview, ongoing] = await Promise.all([
    Promise.all(queues.map((q) => api<QueueStats>('GET', `/queues/${q.id}/stats`).then((s) => ({ q, s })))),
    api<{ items: AgentRow[] }>('GET', '/agents/overview'),
    // Ongoing only: closed conversations would crowd the page.
    api<{ items: Conversation[] }>('GET', '/conversations?state=open,active,waiting,wrap_up&limit=200'),
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
        const superviseAct = async (action: string, body?: unknown) => {
          try {
            await api('POST', `/conversations/${c.id}/${action}`, body);
            scheduleRefresh();
          } catch (err) {
            showError(err);
          }
        };
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
                    onclick: () => superviseAct('assign', { agentId: pick.value }),
                  },
                  t.assign,
                )
              : '',
            ' ',
            h('button', { type: 'button', class: 'danger', onclick: () => superviseAct('force-close') }, t.forceClose),
          ),
        );
      }),
  );
}

// ---- live updates ----
let refreshTimer: number | undefined;
function scheduleRefresh(conversationId?: string) {
  if (conversationId && conversationId !== selectedId && refreshTimer) return;
  clearTimeout(refreshTimer);
  // Bursts of events (message + status + conversation) collapse into one reload.
  refreshTimer = window.setTimeout(() => {
    refreshTimer = undefined;
    void Promise.all([loadLists(), loadMe(), loadSelected(), loadSupervisor()]).catch(showError);
  }, 80);
}

function connect(onReady: () => void) {
  const conn = $('conn');
  const source = new EventSource('/api/v1/events');
  source.addEventListener('ready', () => {
    conn.textContent = `● ${t.live}`;
    onReady();
  });
  for (const type of ['conversation.offered', 'conversation.updated', 'message.created', 'message.status']) {
    source.addEventListener(type, (e) => {
      const payload = JSON.parse((e as MessageEvent).data) as { conversationId?: string };
      scheduleRefresh(payload.conversationId);
    });
  }
  // Too far behind to replay (a long disconnect): the server says so and we reload everything once.
  source.addEventListener('resync', () => scheduleRefresh());
  // EventSource reconnects by itself and resumes with Last-Event-ID; we only show the state.
  source.onerror = () => {
    conn.textContent = t.reconnecting ?? null;
  };
}

async function start() {
  await Promise.all([loadMe(), loadQueues()]);
  await Promise.all([loadLists(), loadSupervisor()]);
  connect(() => {
    // Marker for tests and the time-to-interactive measurement: wired, data shown, live stream open.
    if (!document.documentElement.dataset.ready) {
      document.documentElement.dataset.ready = String(Math.round(performance.now()));
    }
  });
  // Longest-wait figures and the pick backlog (unassigned, so no events reach the agent) change without events; a
  // slow poll keeps them honest. The agent's own lists are driven by the event stream alone.
  setInterval(() => void Promise.all([loadSupervisor(), loadBacklog()]).catch(() => {}), 10_000);
}

void start().catch(showError);

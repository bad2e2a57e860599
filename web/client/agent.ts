import { SMS_MAX_CHARACTERS as MAX_CHARS } from '../../domain/sms-limits.js';
import { analyzeSms } from '../../domain/sms-segments.js';
import {
  $,
  ApiError,
  api,
  call,
  client,
  formatDuration,
  formatTime,
  h,
  type Ok,
  pageData,
  withSession,
} from './common.js';

/** Agent workspace: presence, live conversation lists over SSE, the conversation view and the supervisor tables. */

const v1 = client.api.v1;
const conversationById = v1.conversations[':id'];

// Response types come from the API's routes (api/app.ts AppType), never written by hand here.
type Conversation = Ok<Awaited<ReturnType<typeof conversationById.$get>>>;
type ConversationSummary = Ok<Awaited<ReturnType<typeof v1.me.conversations.$get>>>['items'][number];
type Me = Ok<Awaited<ReturnType<typeof v1.me.$get>>>;
type AgentRow = Ok<Awaited<ReturnType<typeof v1.agents.overview.$get>>>['items'][number];
type Message = Conversation['messages'][number];
type Queue = { id: string; name: string };
type Presence = Me['presence'];

/** Actions without a body, and with one; the API answers each with the updated conversation. */
type PlainAction = 'accept' | 'reject' | 'pick' | 'wait' | 'end' | 'close' | 'force-close';
type BodyAction = {
  transfer: { queueId?: string; agentId?: string };
  notes: { text: string };
  assign: { agentId: string };
};

function runAction(id: string, action: PlainAction): Promise<Conversation>;
function runAction<A extends keyof BodyAction>(id: string, action: A, body: BodyAction[A]): Promise<Conversation>;
function runAction(id: string, action: PlainAction | keyof BodyAction, body?: unknown): Promise<Conversation> {
  const param = { id };
  switch (action) {
    case 'transfer':
      return call(conversationById.transfer.$post({ param, json: body as BodyAction['transfer'] }));
    case 'notes':
      return call(conversationById.notes.$post({ param, json: body as BodyAction['notes'] }));
    case 'assign':
      return call(conversationById.assign.$post({ param, json: body as BodyAction['assign'] }));
    default:
      return call(conversationById[action].$post({ param }));
  }
}

const data = pageData<{ user: { id: string; role: Me['role'] }; t: Record<string, string>; staff: boolean }>();
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
  me = await call(v1.me.$get());
  presence.value = me.presence;
  presence.disabled = false;
  $('capacity').textContent = `${me.capacity.used} / ${me.capacity.total}`;
}
presence.addEventListener('change', async () => {
  me = await call(v1.me.presence.$put({ json: { presence: presence.value as Presence } }));
  $('capacity').textContent = `${me.capacity.used} / ${me.capacity.total}`;
});

// ---- lists ----
function bucket(c: ConversationSummary): 'offered' | 'active' | 'waiting' | 'wrap_up' | null {
  if (c.state === 'open') return c.offeredAgentId === data.user.id && !c.agentId ? 'offered' : null;
  if (c.state === 'closed') return null;
  return c.state;
}

/** Pick-mode conversations the caller may take ("Open work items" → "Assign to me"). */
let backlogIds = new Set<string>();
let mineItems: ConversationSummary[] = [];
let backlogItems: ConversationSummary[] = [];
let closedItems: ConversationSummary[] = [];

function listItem(c: ConversationSummary): HTMLElement {
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

async function loadBacklog(render = true) {
  backlogItems = (await call(v1.me.backlog.$get({ query: { limit: '100' } }))).items;
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
  selected = await call(conversationById.$get({ param: { id: selectedId } }));
  renderConversation(selected);
}

function showError(err: unknown) {
  $('action-error').textContent = err instanceof ApiError ? err.problem.detail : String(err);
}

async function act(run: (id: string) => Promise<Conversation>) {
  if (!selectedId) return;
  $('action-error').textContent = '';
  try {
    selected = await run(selectedId);
    renderConversation(selected);
    scheduleRefresh();
  } catch (err) {
    showError(err);
  }
}

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

$('composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (send.disabled || !selectedId) return;
  const text = reply.value;
  send.disabled = true;
  try {
    await call(conversationById.messages.$post({ param: { id: selectedId }, json: { text } }));
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
  const text = note.value;
  await act((id) => runAction(id, 'notes', { text }));
  note.value = '';
  await loadSelected();
});

async function loadQueues() {
  // The setup resources join the typed client once their routers are chained (api/resources/queues).
  queues = (await api<{ items: Queue[] }>('GET', '/queues')).items;
  $('transfer-queue').replaceChildren(...queues.map((q) => h('option', { value: q.id }, q.name)));
}

// ---- supervisor ----
async function loadSupervisor() {
  if (!staff) return;
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
        const superviseAct = async (run: () => Promise<Conversation>) => {
          try {
            await run();
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
  const source = new EventSource(withSession('/api/v1/events'));
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

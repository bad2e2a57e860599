import { $, ApiError, call, client, formatTime, h, type Ok, pageData } from './common.js';

/**
 * Files in the agent workspace (issue #17), beside the transcript: send a file (picker, drag-and-drop onto the
 * conversation, paste into the reply box), "Request a file", the conversation's files with the delivery status of
 * their link SMS, and revoking a link. It watches the workspace's own rendering (the transcript is redrawn on every
 * live event), so it needs no hooks into the workspace code beyond being started. Controls the channel switches off,
 * or that are not the agent's to use, are hidden.
 */

const byId = client.api.v1.conversations[':id'];
type AttachmentList = Ok<Awaited<ReturnType<(typeof byId)['attachments']['$get']>>>;
type Attachment = AttachmentList['items'][number];
type Conversation = Ok<Awaited<ReturnType<(typeof byId)['$get']>>>;

const data = pageData<{ user: { id: string }; t: Record<string, string>; staff: boolean }>();
const t = data.t;

let current: { id: string; conv: Conversation; list: AttachmentList } | null = null;
let timer: number | undefined;

const selectedId = (): string | null =>
  document.querySelector<HTMLElement>('.lists button[aria-current="true"][data-id]')?.dataset.id ?? null;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  return n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function ui() {
  const controls = h(
    'div',
    { class: 'attachment-controls', id: 'attachment-controls', hidden: true },
    h('button', { type: 'button', class: 'secondary', id: 'attach-file' }, t.attAttach),
    h('input', {
      type: 'file',
      id: 'attach-input',
      class: 'visually-hidden',
      'aria-label': t.attAttach,
      tabindex: -1,
    }),
    h('button', { type: 'button', class: 'secondary', id: 'request-file' }, t.attRequest),
    h('span', { id: 'attach-status', role: 'status', 'aria-live': 'polite' }),
  );
  const panel = h('section', { class: 'attachments', id: 'attachments', 'aria-label': t.attFiles, hidden: true });
  $('transcript').after(panel);
  $('composer').before(controls);
}

function setStatus(text: string) {
  $('attach-status').textContent = text;
}

function problemOf(err: unknown): string {
  return err instanceof ApiError ? err.problem.detail : String(err);
}

async function sendFile(file: File) {
  // Always the conversation on screen, as it is now: a refresh may still be on its way after a selection or action.
  await refresh();
  const id = current?.id;
  if (!id || !canSend()) {
    setStatus(t.attNotAllowed ?? '');
    return;
  }
  setStatus(t.attSending ?? '');
  const form = new FormData();
  form.append('file', file, file.name || 'pasted');
  const res = await fetch(`/api/v1/conversations/${id}/attachments`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'x-smsdesk-csrf': '1' },
    body: form,
  });
  if (res.ok) setStatus('');
  else setStatus(((await res.json().catch(() => ({}))) as { detail?: string }).detail ?? res.statusText);
  schedule();
}

const owns = () =>
  current !== null &&
  current.conv.agentId === data.user.id &&
  (current.conv.state === 'active' || current.conv.state === 'waiting') &&
  !current.conv.customer.optedOut;
const canSend = () => owns() && current!.list.allowed.agentsCanSend;
const canRequest = () => owns() && current!.list.allowed.customersCanSend;

function label(a: Attachment): string {
  if (a.status === 'pending') return t.attPending ?? a.status;
  if (a.status === 'failed') return `${t.attFailed}${a.error ? `: ${a.error}` : ''}`;
  if (a.source === 'agent') return `${t.attFromAgent} · ${a.messageStatus ?? ''}`;
  if (a.source === 'inbound_media') return t.attMedia ?? a.source;
  return t.attFromCustomer ?? a.source;
}

function item(a: Attachment): HTMLElement {
  const name =
    a.status === 'stored'
      ? h('a', { href: `/api/v1/attachments/${a.id}/content`, target: '_blank', rel: 'noopener' }, a.fileName)
      : h('span', {}, a.fileName);
  const link = a.link;
  const linkGone = link && (link.revokedAt !== null || Date.parse(link.expiresAt) <= Date.now());
  return h(
    'li',
    {
      'data-attachment': a.id,
      'data-source': a.source,
      'data-status': a.status,
      'data-message-status': a.messageStatus ?? '',
    },
    name,
    h(
      'span',
      { class: 'meta' },
      `${formatTime(a.createdAt)} · ${a.size ? formatBytes(a.size) : ''} · ${label(a)}`,
      link
        ? ` · ${link.revokedAt ? t.attRevoked : `${t.attExpires} ${new Date(link.expiresAt).toLocaleDateString()}`} · ${link.downloads} ${t.attDownloads}`
        : '',
    ),
    link && !linkGone && (owns() || data.staff)
      ? h(
          'button',
          {
            type: 'button',
            class: 'link',
            'data-revoke': a.id,
            onclick: () => void revoke(a.id),
          },
          t.attRevoke,
        )
      : null,
    a.sourceRef ? h('span', { class: 'meta', title: t.attSourceRef }, `${t.attSourceRef}: ${a.sourceRef}`) : null,
  );
}

async function revoke(id: string) {
  try {
    await call(client.api.v1.attachments[':id'].revoke.$post({ param: { id } }));
  } catch (err) {
    setStatus(problemOf(err));
  }
  schedule();
}

function render() {
  const panel = $('attachments');
  const controls = $('attachment-controls');
  if (!current) {
    panel.hidden = true;
    controls.hidden = true;
    return;
  }
  const { list } = current;
  panel.dataset.conversation = current.id;
  controls.dataset.conversation = current.id;
  panel.dataset.state = current.conv.state;
  ($('attach-file') as HTMLButtonElement).hidden = !canSend();
  ($('request-file') as HTMLButtonElement).hidden = !canRequest();
  controls.hidden = !canSend() && !canRequest();
  const requests = list.uploadRequests.map((r) =>
    h('li', { 'data-upload-request': r.id }, `${formatTime(r.expiresAt)} · ${r.usedAt ? t.attUsed : t.attUnused}`),
  );
  panel.hidden = list.items.length === 0 && requests.length === 0;
  panel.replaceChildren(
    h('h3', {}, t.attFiles),
    h('ul', { id: 'attachment-list' }, ...list.items.map(item)),
    ...(requests.length ? [h('p', { class: 'meta' }, t.attUploadRequests), h('ul', {}, ...requests)] : []),
  );
}

/** Refreshes can overlap (slow answers); only the newest one may draw, or an older answer would undo a newer one. */
let generation = 0;

async function refresh() {
  const mine = ++generation;
  const id = selectedId();
  if (!id) {
    current = null;
    render();
    return;
  }
  try {
    const [conv, list] = await Promise.all([
      call(byId.$get({ param: { id } })),
      call(byId.attachments.$get({ param: { id } })),
    ]);
    if (mine !== generation || selectedId() !== id) return;
    current = { id, conv, list };
  } catch {
    if (mine !== generation) return;
    current = null;
  }
  render();
}

function schedule() {
  clearTimeout(timer);
  timer = window.setTimeout(() => void refresh(), 120);
}

export function initAgentAttachments() {
  if (!document.getElementById('transcript')) return;
  ui();
  const input = $('attach-input') as HTMLInputElement;
  $('attach-file').addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) void sendFile(file);
  });
  $('request-file').addEventListener('click', async () => {
    if (!current) return;
    try {
      await call(byId['attachment-requests'].$post({ param: { id: current.id } }));
      setStatus(t.attRequested ?? '');
    } catch (err) {
      setStatus(problemOf(err));
    }
    schedule();
  });
  const conv = $('conv');
  conv.addEventListener('dragover', (e) => {
    if (!canSend() || !e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    conv.classList.add('drop-target');
  });
  conv.addEventListener('dragleave', () => conv.classList.remove('drop-target'));
  conv.addEventListener('drop', (e) => {
    conv.classList.remove('drop-target');
    const file = e.dataTransfer?.files[0];
    if (!file || !canSend()) return;
    e.preventDefault();
    void sendFile(file);
  });
  $('reply').addEventListener('paste', (e) => {
    const file = (e as ClipboardEvent).clipboardData?.files[0];
    if (!file || !canSend()) return;
    e.preventDefault();
    void sendFile(file);
  });
  // The workspace redraws the transcript on selection and on every live event: follow it.
  new MutationObserver(schedule).observe($('transcript'), { childList: true });
  new MutationObserver(schedule).observe(conv, { attributes: true, attributeFilter: ['data-state', 'hidden'] });
}

import { h } from '../common.js';
import type { Message } from './api.js';
import { data, t } from './context.js';

/** One transcript entry: who wrote it, the text, the time in the agent's time zone, and a human delivery status. */

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });

/** Today: the time; earlier: the date too. Full date, time and zone on hover. */
export function messageTime(iso: string): HTMLElement {
  const d = new Date(iso);
  const today = d.toDateString() === new Date().toDateString();
  const text = today
    ? timeFormat.format(d)
    : new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' }).format(d);
  return h('time', { datetime: iso, title: dateTimeFormat.format(d) }, text);
}

function author(m: Message): string {
  switch (m.direction) {
    case 'inbound':
      return t.author_customer!;
    case 'bot':
      return t.author_bot!;
    case 'automated':
      return t.author_automated!;
    case 'note':
      return `${t.author_note} · ${m.agentId === data.user.id ? t.you : (m.agentName ?? t.author_agent)}`;
    default:
      return m.agentId === data.user.id
        ? `${m.agentName ?? t.author_agent} (${t.you})`
        : (m.agentName ?? t.author_agent!);
  }
}

/** The status in words; TeleSign's code, text and any error on hover. */
function status(m: Message): HTMLElement | null {
  if (m.direction === 'inbound' || m.direction === 'note') return null;
  const detail = [
    m.providerStatusCode !== null ? `${t.providerCode}: ${m.providerStatusCode}` : '',
    m.providerStatusText ?? '',
    m.error ?? '',
  ]
    .filter(Boolean)
    .join(' · ');
  return h(
    'span',
    { class: `status status-${m.status}`, title: detail || undefined },
    t[`status_${m.status}`] ?? m.status,
  );
}

export function renderMessage(m: Message): HTMLElement {
  const over = m.flags.textOverLimit === true;
  return h(
    'li',
    { class: `msg ${m.direction}`, 'data-status': m.status, 'data-direction': m.direction },
    h('span', { class: 'author' }, author(m)),
    m.text,
    over ? h('span', { class: 'flag', role: 'note' }, `⚠ ${t.overLimit}`) : null,
    h(
      'span',
      { class: 'meta' },
      messageTime(m.createdAt),
      status(m) ? ' · ' : '',
      status(m),
      m.direction === 'inbound' || m.direction === 'note' ? '' : ` · ${t.segments}: ${m.segments}`,
    ),
  );
}

import { SLA_LIVE_EVENT } from '../agent-sla.js';
import { $, withSession } from '../common.js';
import { signal, t } from './context.js';
import { scheduleRefresh } from './refresh.js';

/** The server-sent event stream: each event asks for a (coalesced) refresh; others may listen to the raw events. */

export type LiveEvent = { type: string; conversationId?: string; [k: string]: unknown };
export const liveEvent = signal<LiveEvent>();

export function connect(onReady: () => void) {
  const conn = $('conn');
  const source = new EventSource(withSession('/api/v1/events'));
  source.addEventListener('ready', () => {
    conn.textContent = `● ${t.live}`;
    onReady();
  });
  for (const type of [
    'conversation.offered',
    'conversation.updated',
    'message.created',
    'message.status',
    SLA_LIVE_EVENT,
  ]) {
    source.addEventListener(type, (e) => {
      const payload = JSON.parse((e as MessageEvent).data) as { conversationId?: string };
      liveEvent.emit({ ...payload, type });
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

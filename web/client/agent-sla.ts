import type { InferResponseType } from 'hono/client';
import type { conversationById } from './agent/api.js';
import { formatTime, h } from './common.js';

/**
 * SLA in the workspace: a line under the conversation's title and a cell in the supervisor's ongoing table, from the
 * conversation's `sla` (the read model the workflow's timers write). Hooked into agent.ts with one call each; the
 * `conversation.sla` live event makes the workspace reload when a clock warns or breaches.
 */

export const SLA_LIVE_EVENT = 'conversation.sla';

/** The conversation's `sla` as GET /conversations/{id} answers it (the API's SlaStatus schema). */
export type SlaStatus = InferResponseType<(typeof conversationById)['$get'], 200>['sla'];
type Clock = SlaStatus['firstResponse'];

const KINDS = [
  ['firstResponse', 'slaFirstResponse'],
  ['nextResponse', 'slaNextResponse'],
  ['resolution', 'slaResolution'],
] as const;

type Level = 'ok' | 'warning' | 'breached';
const levelOf = (c: Clock): Level => (c.breachedAt ? 'breached' : c.warnedAt ? 'warning' : 'ok');

/** The running clocks, worst first: one chip each ("First response · at risk · due 14:05"). */
function chips(sla: SlaStatus | undefined, t: Record<string, string>): HTMLElement[] {
  if (!sla) return [];
  const order: Record<Level, number> = { breached: 0, warning: 1, ok: 2 };
  return KINDS.filter(([k]) => sla[k].dueAt)
    .map(([k, label]) => ({ clock: sla[k], label: t[label] ?? label, level: levelOf(sla[k]) }))
    .sort((a, b) => order[a.level] - order[b.level])
    .map(({ clock, label, level }) => {
      const state = level === 'breached' ? t.slaBreached : level === 'warning' ? t.slaAtRisk : t.slaDue;
      return h(
        'span',
        { class: `sla sla-${level}`, 'data-sla': level, title: clock.dueAt ?? '' },
        `${label} · ${state} ${formatTime(clock.dueAt!)}`,
      );
    });
}

/** Under the open conversation's title. */
export function renderConversationSla(c: { sla?: SlaStatus }, t: Record<string, string>): void {
  const meta = document.getElementById('conv-meta');
  if (!meta) return;
  let line = document.getElementById('conv-sla');
  if (!line) {
    line = h('p', { id: 'conv-sla', class: 'sla-line', 'aria-label': t.sla ?? 'SLA' });
    meta.after(line);
  }
  const list = chips(c.sla, t);
  line.replaceChildren(...list);
  line.hidden = list.length === 0;
}

/** A cell for the supervisor's ongoing table (the worst running clock first). */
export function slaCell(c: { sla?: SlaStatus }, t: Record<string, string>): HTMLElement {
  const list = chips(c.sla, t);
  return h('td', { class: 'sla-cell' }, ...(list.length ? list : ['–']));
}

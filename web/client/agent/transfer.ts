import { $, call, h } from '../common.js';
import { type Conversation, conversationById } from './api.js';
import { conversationRendered, showError, t } from './context.js';

/**
 * The transfer picker: queues and agents this user may transfer the selected conversation to, as the API lists
 * them (GET /conversations/{id}/transfer-targets). Agents who cannot take it now are listed, disabled, with why.
 */

const select = $<HTMLSelectElement>('transfer-target');
let loadedFor = '';

export type TransferTarget = { queueId: string } | { agentId: string };

export async function transferOptions(id: string): Promise<HTMLElement[]> {
  const targets = await call(conversationById['transfer-targets'].$get({ param: { id } }));
  return [
    h(
      'optgroup',
      { label: t.transferQueues! },
      ...targets.queues.map((q) => h('option', { value: `queue:${q.id}` }, q.name)),
    ),
    h(
      'optgroup',
      { label: t.transferAgents! },
      ...targets.agents.map((a) =>
        h(
          'option',
          { value: `agent:${a.id}`, disabled: !a.eligible },
          a.eligible ? a.name : `${a.name} (${t[`notEligible_${a.reason}`] ?? a.reason})`,
        ),
      ),
    ),
  ];
}

export function parseTarget(value: string): TransferTarget | null {
  const [kind, id] = value.split(':');
  if (!id) return null;
  return kind === 'agent' ? { agentId: id } : { queueId: id };
}

/** The chosen target of the workspace's picker. */
export const transferChoice = () => parseTarget(select.value);

async function refresh(c: Conversation) {
  if (!c.allowedActions.includes('transfer')) return;
  // Reloaded when another conversation is selected or its state changed (presence and capacity move).
  const key = `${c.id}:${c.state}:${c.updatedAt}`;
  if (key === loadedFor) return;
  loadedFor = key;
  const previous = select.value;
  select.replaceChildren(...(await transferOptions(c.id)));
  if (previous && Array.from(select.options).some((o) => o.value === previous && !o.disabled)) select.value = previous;
}

export function initTransfer() {
  conversationRendered.on((c) => void refresh(c).catch(showError));
}

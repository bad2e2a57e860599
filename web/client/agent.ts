import type { Queue } from './agent/api.js';
import { initComposer } from './agent/composer.js';
import { conversationRendered, showError, state, t } from './agent/context.js';
import { initConversationView, select } from './agent/conversation-view.js';
import { initKeyboard } from './agent/keyboard.js';
import { loadBacklog, loadLists } from './agent/lists.js';
import { connect } from './agent/live.js';
import { initOffers } from './agent/offers.js';
import { initPresence, loadMe } from './agent/presence.js';
import { onRefresh, scheduleRefresh } from './agent/refresh.js';
import { initSupervisor, loadSupervisor } from './agent/supervisor.js';
import { initTransfer } from './agent/transfer.js';
import { initAgentAttachments } from './agent-attachments.js';
import { renderConversationSla } from './agent-sla.js';
import { conversationShown, initWorkspaceB } from './agent-workspace-b.js';
import { api } from './common.js';

/**
 * Agent workspace entry: wires the modules under agent/ (presence, lists, conversation view, composer, supervisor,
 * live events) and loads the first data. Other features hook in with an init call here.
 */

async function loadQueues() {
  // The setup resources join the typed client once their routers are chained (api/resources/queues).
  state.queues = (await api<{ items: Queue[] }>('GET', '/queues')).items;
}

async function start() {
  initPresence();
  initConversationView();
  initComposer();
  initTransfer();
  initKeyboard();
  initSupervisor();
  // Customer panel, search, quick replies and "New conversation" (agent-workspace-b.ts).
  initWorkspaceB((id) => void select(id).then(() => scheduleRefresh()));
  conversationRendered.on(conversationShown);
  // SLA clocks beside the conversation's meta line (agent-sla.ts).
  conversationRendered.on((c) => renderConversationSla(c, t));
  onRefresh(loadLists);
  onRefresh(loadMe);
  await Promise.all([loadMe(), loadQueues(), initOffers()]);
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
initAgentAttachments();

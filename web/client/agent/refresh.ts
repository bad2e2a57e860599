import { showError, state } from './context.js';

/** Coalesced reloads: every module registers what it reloads; events and actions ask for one refresh. */

const loaders: (() => Promise<unknown>)[] = [];
export const onRefresh = (load: () => Promise<unknown>) => void loaders.push(load);

let refreshTimer: number | undefined;
export function scheduleRefresh(conversationId?: string) {
  if (conversationId && conversationId !== state.selectedId && refreshTimer) return;
  clearTimeout(refreshTimer);
  // Bursts of events (message + status + conversation) collapse into one reload.
  refreshTimer = window.setTimeout(() => {
    refreshTimer = undefined;
    void Promise.all(loaders.map((load) => load())).catch(showError);
  }, 80);
}

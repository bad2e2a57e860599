import { state } from './context.js';
import { acceptSelected, select } from './conversation-view.js';
import { listedIds } from './lists.js';

/**
 * Workspace shortcuts, with Alt so they never collide with typing: Alt+A accepts the selected offer, Alt+J / Alt+K
 * open the next / previous conversation in the lists, Alt+F focuses the search box (when the page has one).
 */
export function initKeyboard() {
  document.addEventListener('keydown', (e) => {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    const key = e.code;
    if (key === 'KeyA') {
      e.preventDefault();
      acceptSelected();
    } else if (key === 'KeyJ' || key === 'KeyK') {
      e.preventDefault();
      const ids = listedIds();
      if (!ids.length) return;
      const at = state.selectedId ? ids.indexOf(state.selectedId) : -1;
      const next = key === 'KeyJ' ? (at + 1) % ids.length : (at - 1 + ids.length) % ids.length;
      void select(ids[next]!);
    } else if (key === 'KeyF') {
      const search = document.querySelector<HTMLInputElement>('#search, input[type="search"]');
      if (search) {
        e.preventDefault();
        search.focus();
      }
    }
  });
}

import { $, call } from '../common.js';
import { type Presence, v1 } from './api.js';
import { state } from './context.js';

/** The header's presence selector and capacity figure. */

const presence = $<HTMLSelectElement>('presence');

function renderCapacity() {
  if (state.me) $('capacity').textContent = `${state.me.capacity.used} / ${state.me.capacity.total}`;
}

export async function loadMe() {
  state.me = await call(v1.me.$get());
  presence.value = state.me.presence;
  presence.disabled = false;
  renderCapacity();
}

export function initPresence() {
  presence.addEventListener('change', async () => {
    state.me = await call(v1.me.presence.$put({ json: { presence: presence.value as Presence } }));
    renderCapacity();
  });
}

import { renderAccounts } from './manage-accounts.js';
import { initOrganisation, renderBots, renderOrganisation } from './manage-organisation.js';
import { renderChannels, renderWorkstreams } from './manage-workstreams.js';
import { loadQueues } from './queues.js';
import { loadWorkstreams } from './rules.js';
import { loadSetup } from './wizard-data.js';

/** The edit-and-delete sections below the wizard: everything is re-read after each change, so lists never drift. */
export async function loadManage(fresh = false) {
  // The first load follows the wizard's, which has just read the setup.
  if (!fresh) await loadSetup();
  const bots = await renderBots(reloadAll);
  renderAccounts(reloadAll);
  renderWorkstreams(bots, reloadAll);
  renderChannels(reloadAll);
  await renderOrganisation();
}

async function reloadAll() {
  await loadQueues();
  await loadWorkstreams();
  await loadManage();
}

export const initManage = initOrganisation;
export const firstLoadManage = () => loadManage(true);

import { $ } from '../common.js';
import { state } from './state.js';
import { showAccounts } from './step-account.js';
import { renderNumbers } from './step-numbers.js';
import { selectWorkstream, WORKSTREAM_KEY } from './step-workstream.js';
import { loadSetup } from './wizard-data.js';
import { go, resumeStep } from './wizard-nav.js';

/**
 * After a reload the wizard continues where setup stopped: the account already serving a channel (else the newest
 * one), its numbers, the workstream its channel belongs to, and the first step that does not hold yet.
 */
export async function resumeWizard() {
  await loadSetup();
  const served = state.accounts.find((a) => state.channels.some((c) => c.accountId === a.id));
  showAccounts(served ?? state.accounts.at(-1));
  renderNumbers();
  const channel = state.account ? state.channels.find((c) => c.accountId === state.account!.id) : undefined;
  // Without a channel yet: the workstream this browser made last, else the only one that has no channel.
  const remembered = sessionStorage.getItem(WORKSTREAM_KEY);
  const unbound = state.workstreams.filter((w) => !state.channels.some((c) => c.workstreamId === w.id));
  const ws = channel
    ? state.workstreams.find((w) => w.id === channel.workstreamId)
    : (state.workstreams.find((w) => w.id === remembered) ?? (unbound.length === 1 ? unbound[0] : undefined));
  if (ws) selectWorkstream(ws);
  $('resume-note').hidden = state.accounts.length === 0;
  go(resumeStep());
}

import { $ } from '../common.js';
import { state } from './state.js';
import { showAccounts } from './step-account.js';
import { renderNumbers } from './step-numbers.js';
import { selectWorkstream } from './step-workstream.js';
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
  const ws = channel ? state.workstreams.find((w) => w.id === channel.workstreamId) : undefined;
  if (ws) selectWorkstream(ws);
  $('resume-note').hidden = state.accounts.length === 0;
  go(resumeStep());
}

import { initAgents, loadAgents } from './admin/agents.js';
import { firstLoadManage, initManage } from './admin/manage-setup.js';
import { alertProblem } from './admin/problems.js';
import { initQueues, loadQueues } from './admin/queues.js';
import { initRules, loadWorkstreams } from './admin/rules.js';
import { t } from './admin/state.js';
import { initAccountStep } from './admin/step-account.js';
import { initCallbackStep } from './admin/step-callback.js';
import { initChannelStep } from './admin/step-channel.js';
import { initNumbersStep } from './admin/step-numbers.js';
import { initSummaryStep } from './admin/step-summary.js';
import { initWorkstreamStep } from './admin/step-workstream.js';
import { initNavigation } from './admin/wizard-nav.js';
import { resumeWizard } from './admin/wizard-resume.js';
import { initCalendars } from './admin-calendars.js';
import { initQueueRules } from './admin-queue-rules.js';

/**
 * The admin page: the setup wizard (account → numbers → callback URL → workstream → SMS channel → readiness) and the
 * editable lists below it. Each module under admin/ does one job.
 *
 * Adding a section: write web/client/admin-<thing>.ts (or admin/<thing>.ts) exporting `init` and `load`, then add
 * one entry to SECTIONS below; `init` wires its forms once, `load` (re)reads its data after the queues are known.
 */
type Section = { init: () => void; load?: () => Promise<void> };

const SECTIONS: Section[] = [
  { init: initQueues },
  { init: initAgents, load: loadAgents },
  { init: initRules, load: loadWorkstreams },
  // Operating hours (admin-calendars.ts builds its own section).
  { init: () => initCalendars(t) },
  { init: () => initQueueRules(t) },
];
/** Sections that need what the wizard loaded (accounts, numbers, channels) run after it. */
const AFTER_WIZARD: Section[] = [{ init: initManage, load: firstLoadManage }];

function init() {
  initNavigation();
  initAccountStep();
  initNumbersStep();
  initCallbackStep();
  initWorkstreamStep();
  initChannelStep();
  initSummaryStep();
  for (const s of [...SECTIONS, ...AFTER_WIZARD]) s.init();
}

async function start() {
  init();
  await loadQueues();
  await Promise.all(SECTIONS.map((s) => s.load?.()));
  await resumeWizard();
  // Ready once the wizard and the lists above are wired and filled; the edit sections fill in right after.
  document.documentElement.dataset.ready = String(Math.round(performance.now()));
  await Promise.all(AFTER_WIZARD.map((s) => s.load?.()));
}
void start().catch(alertProblem);

import { $, ApiError, h, withSession } from '../common.js';
import { client, send } from './api.js';
import { alertProblem, onSubmit } from './problems.js';
import { state, t } from './state.js';
import { onEnter, onLeave } from './wizard-nav.js';

/**
 * Wizard step 6: what was set up, and the readiness checklist the API computes (GET …/readiness). "Live" shows only
 * when every check holds; each missing one links to where it is fixed. Rechecked every few seconds while shown, so
 * the list turns live as soon as, say, the agent goes Available.
 */
const RECHECK_MS = 3000;
let timer: ReturnType<typeof setInterval> | undefined;

function renderSummary() {
  const queue = state.queues.find((q) => q.id === state.workstream?.defaultQueueId);
  const rows: [string, string][] = [
    [
      t.stepAccount!,
      `${state.account?.name ?? '–'} (${state.account?.customerId ?? ''}, ${state.account?.apiKeyHint ?? ''})`,
    ],
    [t.validate!, state.account?.validation.status ?? '–'],
    [t.stepNumbers!, state.numbers.map((n) => n.number).join(', ') || '–'],
    [t.stepCallback!, state.account?.callbackUrl ?? '–'],
    [
      t.stepWorkstream!,
      `${state.workstream?.name ?? '–'} · ${state.workstream?.distributionMode ?? ''} · ${queue?.name ?? ''}`,
    ],
    [t.stepChannel!, state.channel ? `${state.channel.number} · ${state.channel.language}` : '–'],
  ];
  $('summary').replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export async function checkReadiness() {
  const ws = state.workstream;
  if (!ws) return;
  const r = await send(client.workstreams[':id'].readiness.$get({ param: { id: ws.id } }));
  $('readiness').replaceChildren(
    ...r.items.map((i) =>
      h(
        'li',
        { class: i.ok ? 'ok' : 'error', 'data-check': i.check, 'data-ok': String(i.ok) },
        `${i.ok ? '✓' : '✗'} ${t[`check_${i.check}`] ?? i.check}`,
        i.ok ? null : h('span', { class: 'help' }, ` — ${i.detail} `),
        i.ok ? null : h('a', { href: withSession(i.fix), 'data-fix': i.check }, t.fixIt),
      ),
    ),
  );
  $('readiness').dataset.live = String(r.live);
  $('done').hidden = !r.live;
  $('not-live').hidden = r.live;
  $('test-sms').hidden = !r.simulator;
}

function stop() {
  if (timer) clearInterval(timer);
  timer = undefined;
}

export function initSummaryStep() {
  onEnter('summary', () => {
    renderSummary();
    void checkReadiness().catch(alertProblem);
    stop();
    timer = setInterval(() => void checkReadiness().catch(() => {}), RECHECK_MS);
  });
  onLeave('summary', stop);
  onSubmit('form-summary', async () => {
    if (state.account)
      state.account = await send(client['messaging-accounts'][':id'].$get({ param: { id: state.account.id } }));
    renderSummary();
    await checkReadiness().catch(alertProblem);
  });
  $('test-sms').addEventListener('click', async () => {
    if (!state.workstream) return;
    $('test-sms-status').textContent = '…';
    try {
      await send(client.workstreams[':id'].readiness['test-sms'].$post({ param: { id: state.workstream.id } }));
      $('test-sms-status').textContent = t.testSmsSent!;
    } catch (err) {
      $('test-sms-status').textContent = err instanceof ApiError ? err.problem.detail : String(err);
    }
  });
}

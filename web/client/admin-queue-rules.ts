import type { InferResponseType } from 'hono/client';
import { SLA_MAX_TARGET_SECONDS } from '../../domain/sla.js';
import { OVERFLOW_ACTIONS, type OverflowAction } from '../../domain/vocabulary.js';
import { ApiError, client as appClient, call, h } from './common.js';

/**
 * The admin page's "Queue rules" panel (issue #16): pick a queue, edit its priority, its overflow rule and its SLA
 * targets, saved through PATCH /queues/{id} and PUT /queues/{id}/sla. Problems land beside the field their
 * `errors[].path` names. Builds its own section, so the admin page only calls initQueueRules(). The queue pickers
 * follow the page's `queues-changed` event (web/client/admin/queues.ts), so a queue added above appears here.
 */

const api = appClient.api.v1;
type Queue = InferResponseType<(typeof api)['queues'][':id']['$get'], 200>;
type Sla = InferResponseType<(typeof api)['queues'][':id']['sla']['$get'], 200>;

const ID = 'queue-rules';
const SLA_FIELDS = ['firstResponseSeconds', 'nextResponseSeconds', 'resolutionSeconds'] as const;
const SLA_MAX_MINUTES = Math.floor(SLA_MAX_TARGET_SECONDS / 60);

/** An input with its label, help and problem slot; the slot's id is `<input id>-error` (aria-describedby'd). */
function field(id: string, label: string, input: HTMLElement, help?: string): HTMLElement {
  input.id = id;
  const described = [help ? `${id}-help` : '', `${id}-error`].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', described);
  return h(
    'div',
    { class: 'qr-field' },
    h('label', { for: id }, label),
    input,
    help ? h('p', { class: 'help', id: `${id}-help` }, help) : null,
    h('p', { class: 'error', id: `${id}-error`, 'data-error-for': id }),
  );
}

const numberInput = (min: number, max: number, step: number | 'any' = 1) =>
  h('input', { type: 'number', min, max, step, inputmode: 'numeric' }) as HTMLInputElement;

/** Minutes typed by the admin as the API's seconds; '' is "no target". */
const toSeconds = (v: string) => (v.trim() === '' ? null : Math.round(Number(v) * 60));
const toMinutes = (s: number | null) => (s == null ? '' : String(Math.round((s / 60) * 100) / 100));
const toInt = (v: string) => (v.trim() === '' ? null : Number(v));

export function initQueueRules(t: Record<string, string>): void {
  const queueSelect = h('select', {}) as HTMLSelectElement;
  const priority = numberInput(0, 10000);
  const overflowOn = h('input', { type: 'checkbox', id: `${ID}-overflow-on` }) as HTMLInputElement;
  const maxWaiting = numberInput(1, 10000);
  const maxWaitMinutes = numberInput(1, 2880);
  const labels: Record<OverflowAction, string> = {
    transfer: t.qrActionTransfer!,
    end: t.qrActionEnd!,
    wait_message: t.qrActionWait!,
  };
  const action = h(
    'select',
    {},
    ...OVERFLOW_ACTIONS.map((a) => h('option', { value: a }, labels[a])),
  ) as HTMLSelectElement;
  const target = h('select', {}) as HTMLSelectElement;
  const message = h('textarea', { rows: 2, maxlength: 640 }) as HTMLTextAreaElement;
  const sla = {
    firstResponseSeconds: numberInput(1, SLA_MAX_MINUTES, 'any'),
    nextResponseSeconds: numberInput(1, SLA_MAX_MINUTES, 'any'),
    resolutionSeconds: numberInput(1, SLA_MAX_MINUTES, 'any'),
  };
  const warning = numberInput(1, 100);
  const status = h('p', { id: `${ID}-status`, role: 'status', 'aria-live': 'polite' });
  const empty = h('p', { class: 'help', id: `${ID}-empty`, hidden: true }, t.qrNoQueues!);

  const targetField = field(`${ID}-overflow-targetQueueId`, t.qrTarget!, target);
  const messageField = field(`${ID}-overflow-message`, t.qrMessage!, message, t.qrMessageHelp);
  const overflowFields = h(
    'div',
    { id: `${ID}-overflow-fields` },
    h(
      'div',
      { class: 'row' },
      field(`${ID}-overflow-maxWaiting`, t.qrMaxWaiting!, maxWaiting),
      field(`${ID}-overflow-maxWaitMinutes`, t.qrMaxWaitMinutes!, maxWaitMinutes),
    ),
    h('p', { class: 'help' }, t.qrThresholdHelp!),
    h('div', { class: 'row' }, field(`${ID}-overflow-action`, t.qrAction!, action), targetField),
    messageField,
  );
  // The API checks every value (one source of each rule); the browser's own checks would hide its answer.
  const form = h(
    'form',
    { id: `form-${ID}`, novalidate: true },
    h('div', { class: 'row' }, field(`${ID}-priority`, t.qrPriority!, priority, t.qrPriorityHelp)),
    h(
      'fieldset',
      {},
      h('legend', {}, t.qrOverflow!),
      h('label', { class: 'inline', for: overflowOn.id }, overflowOn, ` ${t.qrOverflowOn}`),
      h('p', { class: 'error', id: `${ID}-overflow-error`, 'data-error-for': `${ID}-overflow` }),
      overflowFields,
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, t.qrSla!),
      h('p', { class: 'help' }, t.qrSlaHelp!),
      h(
        'div',
        { class: 'row' },
        field(`${ID}-firstResponseSeconds`, t.qrFirstResponse!, sla.firstResponseSeconds),
        field(`${ID}-nextResponseSeconds`, t.qrNextResponse!, sla.nextResponseSeconds),
        field(`${ID}-resolutionSeconds`, t.qrResolution!, sla.resolutionSeconds),
        field(`${ID}-warningPercent`, t.qrWarning!, warning),
      ),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t.qrSave!), status),
  );
  const section = h(
    'section',
    { class: 'panel spaced', 'aria-labelledby': `h-${ID}`, id: `${ID}-panel` },
    h('h2', { id: `h-${ID}` }, t.qrTitle!),
    h('p', { class: 'help' }, t.qrHelp!),
    h('div', { class: 'row' }, field(`${ID}-queue`, t.qrQueue!, queueSelect)),
    empty,
    form,
  );
  const after = document.getElementById('calendars-panel') ?? document.getElementById('h-rules')?.closest('section');
  if (after) after.after(section);
  else (document.querySelector('main') ?? document.body).append(section);

  let queues: Queue[] = [];

  /** Shows only the overflow fields the chosen action uses. */
  function showOverflowFields() {
    overflowFields.hidden = !overflowOn.checked;
    targetField.hidden = action.value !== 'transfer';
    messageField.hidden = action.value !== 'wait_message';
  }
  overflowOn.addEventListener('change', showOverflowFields);
  action.addEventListener('change', showOverflowFields);

  function clearProblems() {
    for (const slot of Array.from(section.querySelectorAll<HTMLElement>('[data-error-for]'))) slot.textContent = '';
    for (const el of Array.from(section.querySelectorAll('[aria-invalid]'))) el.removeAttribute('aria-invalid');
  }

  /** Puts each named problem beside its field; returns the problems no field claims. */
  function placeProblems(err: unknown, fieldOf: (path: string) => string | null): string[] {
    if (!(err instanceof ApiError)) return [String(err)];
    const errors = err.problem.errors?.length ? err.problem.errors : [{ path: '', message: err.problem.detail }];
    const left: string[] = [];
    for (const e of errors) {
      const id = fieldOf(e.path);
      const slot = id ? document.getElementById(`${id}-error`) : null;
      if (!id || !slot) {
        left.push(e.path ? `${e.path}: ${e.message}` : e.message);
        continue;
      }
      slot.textContent = plain(e.path, e.message);
      document.getElementById(id)?.setAttribute('aria-invalid', 'true');
    }
    return left;
  }

  /**
   * The page's words for the rules of its fields (the API's bounds, in the units typed here: SLA targets in minutes);
   * the API's own sentence for anything else.
   */
  function plain(path: string, apiMessage: string): string {
    const range = (min: number, max: number) => t.qrRange!.replace('{min}', String(min)).replace('{max}', String(max));
    if ((SLA_FIELDS as readonly string[]).includes(path))
      return t.qrSlaRange!.replace('{max}', String(SLA_MAX_MINUTES));
    if (path === 'priority') return range(0, 10000);
    if (path === 'warningPercent') return range(1, 100);
    if (path === 'overflow.maxWaiting') return /maxWaitMinutes/.test(apiMessage) ? t.qrNeedThreshold! : range(1, 10000);
    if (path === 'overflow.maxWaitMinutes') return range(1, 2880);
    if (path === 'overflow.targetQueueId') return t.qrNeedTarget!;
    return apiMessage;
  }

  function fill(q: Queue, s: Sla) {
    priority.value = String(q.priority);
    overflowOn.checked = q.overflow != null;
    maxWaiting.value = q.overflow?.maxWaiting != null ? String(q.overflow.maxWaiting) : '';
    maxWaitMinutes.value = q.overflow?.maxWaitMinutes != null ? String(q.overflow.maxWaitMinutes) : '';
    action.value = q.overflow?.action ?? 'transfer';
    message.value = q.overflow?.message ?? '';
    target.replaceChildren(...queues.filter((o) => o.id !== q.id).map((o) => h('option', { value: o.id }, o.name)));
    if (q.overflow?.targetQueueId) target.value = q.overflow.targetQueueId;
    for (const k of SLA_FIELDS) sla[k].value = toMinutes(s[k]);
    warning.value = String(s.warningPercent);
    showOverflowFields();
  }

  /** Loads overlap (the first list, a pick, a changed list): only the latest one fills the form. */
  let loads = 0;
  async function load(): Promise<void> {
    const mine = ++loads;
    clearProblems();
    const id = queueSelect.value;
    delete form.dataset.queue;
    form.hidden = !id;
    if (!id) return;
    status.textContent = t.qrLoading!;
    const [q, s] = await Promise.all([
      call(api.queues[':id'].$get({ param: { id } })),
      call(api.queues[':id'].sla.$get({ param: { id } })),
    ]);
    if (mine !== loads || queueSelect.value !== id) return; // a later load or another pick supersedes this one
    fill(q, s);
    form.dataset.queue = id; // the form now shows this queue's stored rules
    status.textContent = '';
  }

  /** Re-reads the queues (a queue was added, renamed or deleted elsewhere on the page), keeping the choice. */
  async function refreshQueues(): Promise<void> {
    const items = (await call(api.queues.$get())).items;
    // Read after the wait: the admin may have picked a queue meanwhile.
    const chosen = queueSelect.value;
    queues = items;
    queueSelect.replaceChildren(...queues.map((q) => h('option', { value: q.id }, q.name)));
    if (queues.some((q) => q.id === chosen)) queueSelect.value = chosen;
    empty.hidden = queues.length > 0;
    queueSelect.disabled = queues.length === 0;
    // A changed list may change the transfer targets too; an edit in progress of the same queue is kept.
    if (queueSelect.value !== chosen || !form.dataset.loaded) {
      form.dataset.loaded = '1';
      await load();
    } else {
      const current = target.value;
      target.replaceChildren(...queues.filter((o) => o.id !== chosen).map((o) => h('option', { value: o.id }, o.name)));
      if (current) target.value = current;
    }
  }

  const report = (err: unknown) => {
    status.textContent = err instanceof ApiError ? err.problem.detail : String(err);
  };
  queueSelect.addEventListener('change', () => void load().catch(report));
  document.addEventListener('queues-changed', () => void refreshQueues().catch(report));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      const id = queueSelect.value;
      if (!id) return;
      clearProblems();
      status.textContent = '';
      const overflow = overflowOn.checked
        ? {
            maxWaiting: toInt(maxWaiting.value),
            maxWaitMinutes: toInt(maxWaitMinutes.value),
            action: action.value as OverflowAction,
            targetQueueId: action.value === 'transfer' ? target.value || null : null,
            message: action.value === 'wait_message' ? message.value.trim() || null : null,
          }
        : null;
      const slaBody = {
        firstResponseSeconds: toSeconds(sla.firstResponseSeconds.value),
        nextResponseSeconds: toSeconds(sla.nextResponseSeconds.value),
        resolutionSeconds: toSeconds(sla.resolutionSeconds.value),
        warningPercent: toInt(warning.value) ?? Number.NaN,
      };
      // Both parts are sent, so every refused field is marked at once; what was accepted is saved.
      const [queueResult, slaResult] = await Promise.allSettled([
        call(api.queues[':id'].$patch({ param: { id }, json: { priority: toInt(priority.value) ?? -1, overflow } })),
        call(api.queues[':id'].sla.$put({ param: { id }, json: slaBody })),
      ]);
      const left: string[] = [];
      if (queueResult.status === 'rejected') {
        left.push(
          ...placeProblems(queueResult.reason, (p) => {
            if (p === 'priority') return `${ID}-priority`;
            if (p === 'overflow') return `${ID}-overflow`;
            if (p.startsWith('overflow.')) return `${ID}-overflow-${p.slice('overflow.'.length)}`;
            return null;
          }),
        );
      }
      if (slaResult.status === 'rejected') {
        left.push(
          ...placeProblems(slaResult.reason, (p) => (p in sla || p === 'warningPercent' ? `${ID}-${p}` : null)),
        );
      }
      if (queueResult.status === 'fulfilled' && slaResult.status === 'fulfilled') {
        fill(queueResult.value, slaResult.value);
        status.textContent = `${t.qrSaved} · ${new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
        status.className = 'ok';
      } else {
        status.className = 'error';
        status.textContent = [t.qrNotSaved, ...left].join(' ');
        section.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      }
    })().catch(report);
  });

  void refreshQueues().catch(report);
}

import type { InferResponseType } from 'hono/client';
import { ApiError, client as appClient, call, h } from './common.js';

/**
 * The admin page's operating-hours panel (issue #16): list and add calendars (weekly hours in a time zone, holidays),
 * and set the calendar of a queue or a workstream (with its out-of-hours action). Builds its own section, so the
 * admin page only calls initCalendars().
 */

const api = appClient.api.v1;
type Calendar = InferResponseType<(typeof api)['calendars'][':id']['$get'], 200>;

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

function problemText(err: unknown): string {
  if (!(err instanceof ApiError)) return String(err);
  const fields = (err.problem.errors ?? []).map((e) => `${e.path}: ${e.message}`);
  return fields.length ? fields.join('; ') : err.problem.detail;
}

function field(id: string, label: string, input: HTMLElement): HTMLElement {
  input.id = id;
  return h('div', {}, h('label', { for: id }, label), input);
}

export function initCalendars(t: Record<string, string>): void {
  const list = h('tbody', { id: 'calendars' });
  const status = h('p', { id: 'calendars-status', role: 'status', 'aria-live': 'polite' });
  const zones = h('datalist', { id: 'time-zones' });
  const supported = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  zones.append(...supported.map((z) => h('option', { value: z })));

  const name = h('input', { required: true, autocomplete: 'off' }) as HTMLInputElement;
  const zone = h('input', {
    required: true,
    list: 'time-zones',
    value: Intl.DateTimeFormat().resolvedOptions().timeZone,
  }) as HTMLInputElement;
  const start = h('input', { type: 'time', value: '09:00', required: true }) as HTMLInputElement;
  const end = h('input', { type: 'time', value: '17:00', required: true }) as HTMLInputElement;
  const holidays = h('textarea', { rows: 3 }) as HTMLTextAreaElement;
  const days = DAYS.map((d, i) => {
    const box = h('input', { type: 'checkbox', id: `calendar-day-${d}`, checked: i < 5 }) as HTMLInputElement;
    return { day: i + 1, box, label: h('label', { for: `calendar-day-${d}` }, box, ` ${t[d] ?? d}`) };
  });
  const form = h(
    'form',
    { id: 'form-calendar', class: 'row' },
    field('calendar-name', t.name ?? 'Name', name),
    field('calendar-timeZone', t.timeZone!, zone),
    h('fieldset', {}, h('legend', {}, t.hoursDays!), ...days.map((d) => d.label)),
    field('calendar-start', t.hoursFrom!, start),
    field('calendar-end', t.hoursTo!, end),
    field('calendar-holidays', t.holidays!, holidays),
    h('button', { type: 'submit' }, t.addCalendar!),
  );

  const queueSelect = h('select', {}) as HTMLSelectElement;
  const queueCalendar = h('select', {}) as HTMLSelectElement;
  const queueForm = h(
    'form',
    { id: 'form-queue-hours', class: 'row' },
    field('queue-hours-queue', t.queues ?? 'Queue', queueSelect),
    field('queue-hours-calendar', t.hoursCalendar!, queueCalendar),
    h('button', { type: 'submit' }, t.save ?? 'Save'),
  );
  const wsSelect = h('select', {}) as HTMLSelectElement;
  const wsCalendar = h('select', {}) as HTMLSelectElement;
  const wsAction = h(
    'select',
    {},
    h('option', { value: 'wait' }, t.outOfHoursWait!),
    h('option', { value: 'close' }, t.outOfHoursClose!),
  ) as HTMLSelectElement;
  const wsForm = h(
    'form',
    { id: 'form-workstream-hours', class: 'row' },
    field('workstream-hours-workstream', t.workstream ?? 'Workstream', wsSelect),
    field('workstream-hours-calendar', t.hoursCalendar!, wsCalendar),
    field('workstream-hours-action', t.outOfHoursAction!, wsAction),
    h('button', { type: 'submit' }, t.save ?? 'Save'),
  );

  const section = h(
    'section',
    { class: 'panel spaced', 'aria-labelledby': 'h-hours', id: 'calendars-panel' },
    h('h2', { id: 'h-hours' }, t.hoursTitle!),
    h('p', { class: 'help' }, t.hoursHelp!),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t.name ?? 'Name'),
          h('th', { scope: 'col' }, t.timeZone!),
          h('th', { scope: 'col' }, t.hoursTitle!),
          h('th', { scope: 'col' }, h('span', { class: 'skip' }, t.delete ?? 'Delete')),
        ),
      ),
      list,
    ),
    zones,
    form,
    h('h3', {}, t.assignToQueue!),
    queueForm,
    h('h3', {}, t.assignToWorkstream!),
    wsForm,
    status,
  );
  const rules = document.getElementById('h-rules')?.closest('section');
  if (rules) rules.after(section);
  else (document.querySelector('main') ?? document.body).append(section);

  const when = (iso: string) =>
    new Date(iso).toLocaleString(document.documentElement.lang || [], {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
  const describe = (c: Calendar) =>
    c.openNow ? t.openNow! : c.nextOpeningAt ? `${t.opensAt} ${when(c.nextOpeningAt)}` : t.neverOpens!;

  async function refresh(): Promise<void> {
    const [cals, queues, workstreams] = await Promise.all([
      call(api.calendars.$get()),
      call(api.queues.$get()),
      call(api.workstreams.$get()),
    ]);
    list.replaceChildren(
      ...cals.items.map((c) =>
        h(
          'tr',
          { 'data-calendar': c.id },
          h('td', {}, c.name),
          h('td', {}, c.timeZone),
          h('td', {}, describe(c)),
          h(
            'td',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'link',
                'aria-label': `${t.delete ?? 'Delete'} ${c.name}`,
                onclick: () => void remove(c.id),
              },
              t.delete ?? 'Delete',
            ),
          ),
        ),
      ),
    );
    const calendarOptions = () => [
      h('option', { value: '' }, t.noCalendar!),
      ...cals.items.map((c) => h('option', { value: c.id }, c.name)),
    ];
    queueCalendar.replaceChildren(...calendarOptions());
    wsCalendar.replaceChildren(...calendarOptions());
    queueSelect.replaceChildren(...queues.items.map((q) => h('option', { value: q.id }, q.name)));
    wsSelect.replaceChildren(...workstreams.items.map((w) => h('option', { value: w.id }, w.name)));
  }

  async function remove(id: string): Promise<void> {
    try {
      await call(api.calendars[':id'].$delete({ param: { id } }));
      status.textContent = t.saved ?? 'Saved';
      await refresh();
    } catch (err) {
      status.textContent = problemText(err);
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      try {
        await call(
          api.calendars.$post({
            json: {
              name: name.value.trim(),
              timeZone: zone.value.trim(),
              weekly: days
                .filter((d) => d.box.checked)
                .map((d) => ({ day: d.day, start: start.value, end: end.value === '00:00' ? '24:00' : end.value })),
              holidays: holidays.value
                .split(/\s+/)
                .map((x) => x.trim())
                .filter(Boolean)
                .map((date) => ({ date })),
            },
          }),
        );
        name.value = '';
        holidays.value = '';
        status.textContent = t.saved ?? 'Saved';
        await refresh();
      } catch (err) {
        status.textContent = problemText(err);
      }
    })();
  });

  queueForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      try {
        await call(
          api.queues[':id'].$patch({
            param: { id: queueSelect.value },
            json: { calendarId: queueCalendar.value || null },
          }),
        );
        status.textContent = t.saved ?? 'Saved';
      } catch (err) {
        status.textContent = problemText(err);
      }
    })();
  });

  wsForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      try {
        await call(
          api.workstreams[':id'].$patch({
            param: { id: wsSelect.value },
            json: { calendarId: wsCalendar.value || null, outOfHoursAction: wsAction.value as 'wait' | 'close' },
          }),
        );
        status.textContent = t.saved ?? 'Saved';
      } catch (err) {
        status.textContent = problemText(err);
      }
    })();
  });

  void refresh().catch((err) => {
    status.textContent = problemText(err);
  });
  // A queue added by the wizard or the queue list (web/client/admin/queues.ts) must be pickable here too.
  document.addEventListener(
    'queues-changed',
    () =>
      void refreshQueuePicker().catch((err) => {
        status.textContent = problemText(err);
      }),
  );

  async function refreshQueuePicker(): Promise<void> {
    const queues = await call(api.queues.$get());
    const chosen = queueSelect.value; // after the wait: a pick made meanwhile stays
    queueSelect.replaceChildren(...queues.items.map((q) => h('option', { value: q.id }, q.name)));
    if (queues.items.some((q) => q.id === chosen)) queueSelect.value = chosen;
  }
}

import { MAX_PREFERRED_AGENTS } from '../../domain/vocabulary.js';
import { ApiError, call, client, h } from './common.js';

/**
 * A customer's preferred agents (issue #16) in the workspace's customer panel, for supervisors and admins (the API
 * lets only them set the list): up to three agents, tried in order, per workstream. The workstream is the one whose
 * channel the shown conversation came in on; with several, a picker. Saved with PUT
 * /workstreams/{id}/preferred-agents/{customerNumber}.
 */

const api = client.api.v1;
type Named = { id: string; name: string };
type Directory = { workstreams: Named[]; agents: Named[]; workstreamOfNumber: Map<string, string> };

let directory: Promise<Directory> | null = null;

/** Workstreams, their channels' numbers and the agents, read once per page. */
function loadDirectory(): Promise<Directory> {
  directory ??= (async () => {
    const [ws, agents] = await Promise.all([call(api.workstreams.$get()), call(api.agents.$get({ query: {} }))]);
    const workstreamOfNumber = new Map<string, string>();
    const channels = await Promise.all(
      ws.items.map((w) => call(api.workstreams[':id']['sms-channels'].$get({ param: { id: w.id } }))),
    );
    for (const list of channels) for (const c of list.items) workstreamOfNumber.set(c.number, c.workstreamId);
    return {
      workstreams: ws.items.map((w) => ({ id: w.id, name: w.name })),
      agents: agents.items.filter((a) => !a.disabled).map((a) => ({ id: a.id, name: a.name })),
      workstreamOfNumber,
    };
  })();
  directory.catch(() => {
    directory = null; // try again at the next customer
  });
  return directory;
}

/**
 * Builds the part of the panel; `show` fills it for a customer (`supportNumber`: the number the shown conversation
 * came in on, which picks the workstream).
 */
export function preferredAgentsPart(t: Record<string, string>) {
  const workstream = h('select', { id: 'pref-workstream' }) as HTMLSelectElement;
  const workstreamField = h('div', {}, h('label', { for: 'pref-workstream' }, t.prefWorkstream!), workstream);
  const choices = Array.from({ length: MAX_PREFERRED_AGENTS }, (_, i) => {
    const select = h('select', { id: `pref-agent-${i + 1}`, 'aria-describedby': 'pref-error' }) as HTMLSelectElement;
    return { select, field: h('div', {}, h('label', { for: select.id }, `${t.prefChoice} ${i + 1}`), select) };
  });
  const status = h('span', { id: 'pref-status', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { id: 'pref-error', class: 'error', role: 'alert' });
  const form = h(
    'form',
    { id: 'pref-form', 'aria-labelledby': 'pref-h' },
    h('h3', { id: 'pref-h' }, t.prefTitle!),
    h('p', { class: 'muted', id: 'pref-help' }, t.prefHelp!),
    workstreamField,
    ...choices.map((c) => c.field),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, t.prefSave!), status),
    error,
  );
  let customer: string | null = null;
  /** The choices were changed since they were last filled or saved: a refill (the panel re-renders) keeps them. */
  let edited = false;
  for (const c of choices) c.select.addEventListener('change', () => (edited = true));

  async function fillChoices() {
    const id = workstream.value;
    const number = customer;
    if (!id || !number) return;
    const [dir, saved] = await Promise.all([
      loadDirectory(),
      call(
        api.workstreams[':id']['preferred-agents'][':customerNumber'].$get({ param: { id, customerNumber: number } }),
      ),
    ]);
    if (number !== customer || id !== workstream.value) return;
    choices.forEach((c, i) => {
      const kept = c.select.value;
      c.select.replaceChildren(
        h('option', { value: '' }, t.prefNone!),
        ...dir.agents.map((a) => h('option', { value: a.id }, a.name)),
      );
      c.select.value = edited ? kept : (saved.agentIds[i] ?? '');
    });
  }

  const problem = (err: unknown) => {
    if (!(err instanceof ApiError)) return String(err);
    const mine = err.problem.errors?.filter((e) => e.path.startsWith('agentIds')) ?? [];
    return mine.length ? mine.map((e) => e.message).join('; ') : err.problem.detail;
  };

  workstream.addEventListener('change', () => {
    edited = false;
    error.textContent = '';
    status.textContent = '';
    void fillChoices().catch((err) => {
      error.textContent = problem(err);
    });
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const number = customer;
    if (!number || !workstream.value) return;
    error.textContent = '';
    status.textContent = '';
    for (const c of choices) c.select.removeAttribute('aria-invalid');
    const agentIds = choices.map((c) => c.select.value).filter(Boolean);
    void call(
      api.workstreams[':id']['preferred-agents'][':customerNumber'].$put({
        param: { id: workstream.value, customerNumber: number },
        json: { agentIds },
      }),
    )
      .then((saved) => {
        // Shown as stored: gaps close up, the order is the order tried.
        edited = false;
        choices.forEach((c, i) => {
          c.select.value = saved.agentIds[i] ?? '';
        });
        status.textContent = t.wsSaved ?? 'Saved';
      })
      .catch((err) => {
        error.textContent = problem(err);
        for (const c of choices) if (c.select.value) c.select.setAttribute('aria-invalid', 'true');
      });
  });

  /** Fills the part for a customer; a failed read is shown in the part, never thrown. */
  async function show(customerNumber: string, supportNumber: string | null) {
    try {
      await showFor(customerNumber, supportNumber);
    } catch (err) {
      error.textContent = problem(err);
    }
  }

  async function showFor(customerNumber: string, supportNumber: string | null) {
    const changed = customerNumber !== customer;
    customer = customerNumber;
    if (changed) {
      edited = false;
      error.textContent = '';
      status.textContent = '';
    }
    const dir = await loadDirectory();
    if (customer !== customerNumber) return;
    form.hidden = dir.workstreams.length === 0;
    const chosen = (supportNumber && dir.workstreamOfNumber.get(supportNumber)) || workstream.value;
    workstream.replaceChildren(...dir.workstreams.map((w) => h('option', { value: w.id }, w.name)));
    if (dir.workstreams.some((w) => w.id === chosen)) workstream.value = chosen;
    workstreamField.hidden = dir.workstreams.length < 2;
    await fillChoices();
  }

  return { node: form, show };
}

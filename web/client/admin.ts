import type { ClientResponse, InferResponseType } from 'hono/client';
import type { Role } from '../../domain/vocabulary.js';
import { initCalendars } from './admin-calendars.js';
import { $, ApiError, client as appClient, h, pageData } from './common.js';

/** Admin setup wizard (account → numbers → callback URL → workstream → SMS channel → summary) and editable lists. */

// The typed client: paths, bodies and answers come from the API's route definitions (api/resources/), so a renamed
// field breaks the typecheck instead of the page.
const client = appClient.api.v1;

type Account = InferResponseType<(typeof client)['messaging-accounts'][':id']['$get'], 200>;
type Queue = InferResponseType<(typeof client)['queues'][':id']['$get'], 200>;
type Workstream = InferResponseType<(typeof client)['workstreams'][':id']['$get'], 200>;
type Num = InferResponseType<(typeof client)['phone-numbers'][':id']['$get'], 200>;
type Channel = InferResponseType<(typeof client)['workstreams'][':id']['sms-channels'][':channelId']['$get'], 200>;

/** The success body of a call; a problem answer becomes an ApiError, a lost session goes back to sign-in. */
type Success<R> = R extends ClientResponse<infer T, infer S, string> ? (S extends 200 | 201 ? T : never) : never;
async function send<R extends ClientResponse<unknown, number, string>>(request: Promise<R>): Promise<Success<R>> {
  const res = await request;
  if (res.status === 401) {
    // The session ended (expired, token rotated): back to the sign-in form.
    location.assign(location.pathname);
    throw new ApiError({ status: 401, detail: 'signed out' });
  }
  if (res.status === 204) return undefined as Success<R>;
  const json = (await res.json().catch(() => ({}))) as {
    detail?: string;
    errors?: { path: string; message: string }[];
  };
  if (!res.ok) throw new ApiError({ status: res.status, detail: json.detail ?? res.statusText, errors: json.errors });
  return json as Success<R>;
}

/** The value of a <select> whose options are the API's enum values. */
const choice = <T extends string>(id: string) => $<HTMLSelectElement>(id).value as T;

const { t } = pageData<{ t: Record<string, string> }>();
const val = (id: string) => ($(id) as HTMLInputElement).value.trim();
const checked = (id: string) => ($(id) as HTMLInputElement).checked;

const state: { account?: Account; numbers: Num[]; workstream?: Workstream; channel?: Channel; queues: Queue[] } = {
  numbers: [],
  queues: [],
};

// ---- step navigation ----
function go(step: string) {
  for (const f of Array.from(document.querySelectorAll<HTMLElement>('form.step'))) f.hidden = f.dataset.step !== step;
  let seen = true;
  for (const li of Array.from(document.querySelectorAll<HTMLElement>('#steps li'))) {
    const current = li.dataset.step === step;
    if (current) seen = false;
    li.classList.toggle('done', seen);
    if (current) li.setAttribute('aria-current', 'step');
    else li.removeAttribute('aria-current');
  }
  $('wizard-error').textContent = '';
  if (step === 'callback') $<HTMLInputElement>('callback-url').value = state.account?.callbackUrl ?? '';
  if (step === 'summary') renderSummary();
  document
    .querySelector<HTMLElement>(
      `form.step[data-step="${step}"] input, form.step[data-step="${step}"] select, form.step[data-step="${step}"] button`,
    )
    ?.focus();
}
for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-next]'))) {
  b.addEventListener('click', () => go(b.dataset.next!));
}

/** Shows a problem next to the fields it names (errors[].path), or at the top of the wizard. */
function showProblem(err: unknown, prefix: string, fallback = 'wizard-error') {
  for (const p of Array.from(document.querySelectorAll<HTMLElement>(`[data-error-for^="${prefix}-"]`)))
    p.textContent = '';
  $(fallback).textContent = '';
  if (!(err instanceof ApiError)) {
    $(fallback).textContent = String(err);
    return;
  }
  let placed = false;
  for (const e of err.problem.errors ?? []) {
    const slot = document.querySelector<HTMLElement>(`[data-error-for="${prefix}-${e.path}"]`);
    if (slot) {
      slot.textContent = e.message.startsWith(e.path) ? e.message : `${e.path} ${e.message}`;
      document.getElementById(`${prefix}-${e.path}`)?.setAttribute('aria-invalid', 'true');
      placed = true;
    }
  }
  if (!placed) $(fallback).textContent = err.problem.detail;
}
function clearErrors(prefix: string) {
  for (const p of Array.from(document.querySelectorAll<HTMLElement>(`[data-error-for^="${prefix}-"]`)))
    p.textContent = '';
  for (const i of Array.from(document.querySelectorAll<HTMLElement>(`[id^="${prefix}-"][aria-invalid]`)))
    i.removeAttribute('aria-invalid');
}

function onSubmit(id: string, handler: () => Promise<void>) {
  $(id).addEventListener('submit', (e) => {
    e.preventDefault();
    void handler();
  });
}

// ---- 1. account ----
onSubmit('form-account', async () => {
  clearErrors('account');
  try {
    const restEndpoint = val('account-restEndpoint');
    state.account = await send(
      client['messaging-accounts'].$post({
        json: {
          name: val('account-name'),
          provider: 'telesign',
          customerId: val('account-customerId'),
          apiKey: $<HTMLInputElement>('account-apiKey').value,
          ...(restEndpoint ? { restEndpoint } : {}),
        },
      }),
    );
    // The key is write-only: clear it from the page as soon as the server has it.
    const key = $<HTMLInputElement>('account-apiKey');
    key.value = '';
    key.placeholder = state.account.apiKeyHint;
    key.required = false;
    $<HTMLButtonElement>('create-account').disabled = true;
    $<HTMLButtonElement>('validate').disabled = false;
    $<HTMLButtonElement>('account-next').disabled = false;
    $('validation').textContent = `${state.account.name} · ${state.account.apiKeyHint}`;
    $('validate').focus();
  } catch (err) {
    showProblem(err, 'account');
  }
});

$('validate').addEventListener('click', async () => {
  if (!state.account) return;
  const out = $('validation');
  out.textContent = '…';
  try {
    const r = await send(client['messaging-accounts'][':id'].validate.$post({ param: { id: state.account.id } }));
    out.className = r.valid ? 'ok' : 'error';
    out.textContent = r.valid ? t.valid! : `${t.invalid}: ${r.reason ?? ''}`;
    out.dataset.valid = String(r.valid);
    state.account.validation = { status: r.valid ? 'valid' : 'invalid', ...(r.reason ? { reason: r.reason } : {}) };
  } catch (err) {
    showProblem(err, 'account');
    out.textContent = '';
  }
});

// ---- 2. numbers ----
onSubmit('form-numbers', async () => {
  if (!state.account) return go('account');
  clearErrors('number');
  try {
    const description = val('number-description');
    const n = await send(
      client['messaging-accounts'][':id']['phone-numbers'].$post({
        param: { id: state.account.id },
        json: {
          number: val('number-number'),
          type: choice('number-type'),
          ...(description ? { description } : {}),
        },
      }),
    );
    state.numbers.push(n);
    $('numbers-added').append(h('li', {}, `${n.number} (${n.type})`));
    $<HTMLInputElement>('number-number').value = '';
    $<HTMLButtonElement>('numbers-next').disabled = false;
    $('channel-number').replaceChildren(...state.numbers.map((x) => h('option', { value: x.id }, x.number)));
  } catch (err) {
    showProblem(err, 'number');
  }
});

// ---- 3. callback URL ----
$('copy-callback').addEventListener('click', async () => {
  const input = $<HTMLInputElement>('callback-url');
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    // Clipboard API needs a secure context; fall back to selecting the text for Ctrl+C.
    input.select();
  }
  $('copy-status').textContent = t.copied!;
});

// ---- 4. workstream ----
onSubmit('form-workstream', async () => {
  clearErrors('workstream');
  try {
    let queueId = $<HTMLSelectElement>('workstream-queue').value;
    if (!queueId) {
      const q = await send(
        client.queues.$post({
          json: {
            name: val('workstream-newQueue'),
            assignmentMethod: 'highest_capacity',
            agentIds: [],
          },
        }),
      );
      queueId = q.id;
      await loadQueues();
    }
    state.workstream = await send(
      client.workstreams.$post({
        json: {
          name: val('workstream-name'),
          distributionMode: choice<'push' | 'pick'>('workstream-mode'),
          defaultQueueId: queueId,
        },
      }),
    );
    await loadWorkstreams();
    go('channel');
  } catch (err) {
    showProblem(err, 'workstream');
  }
});

// ---- 5. SMS channel ----
onSubmit('form-channel', async () => {
  if (!state.workstream) return go('workstream');
  clearErrors('channel');
  const automatedMessages: Record<string, string> = {};
  for (const ta of Array.from(document.querySelectorAll<HTMLTextAreaElement>('textarea[data-trigger]'))) {
    if (ta.value.trim()) automatedMessages[ta.dataset.trigger!] = ta.value;
  }
  try {
    state.channel = await send(
      client.workstreams[':id']['sms-channels'].$post({
        param: { id: state.workstream.id },
        json: {
          phoneNumberId: $<HTMLSelectElement>('channel-number').value,
          language: choice('channel-language'),
          attachments: {
            customersCanSend: checked('channel-customersCanSend'),
            agentsCanSend: checked('channel-agentsCanSend'),
          },
          automatedMessages,
        },
      }),
    );
    go('summary');
  } catch (err) {
    showProblem(err, 'channel');
  }
});

// ---- 6. summary ----
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
onSubmit('form-summary', async () => {
  if (state.account)
    state.account = await send(client['messaging-accounts'][':id'].$get({ param: { id: state.account.id } }));
  renderSummary();
  $('done').hidden = false;
  $<HTMLButtonElement>('finish').disabled = true;
});

// ---- queues ----
async function loadQueues() {
  state.queues = (await send(client.queues.$get())).items;
  const opts = () => state.queues.map((q) => h('option', { value: q.id }, q.name));
  const wsQueue = $<HTMLSelectElement>('workstream-queue');
  const chosen = wsQueue.value;
  wsQueue.replaceChildren(h('option', { value: '' }, `+ ${t.newQueue}`), ...opts());
  wsQueue.value = chosen;
  $('rule-queue').replaceChildren(...opts());
  $('queues').replaceChildren(
    ...state.queues.map((q) => {
      const name = h('input', { value: q.name, 'aria-label': `${t.name}: ${q.name}` }) as HTMLInputElement;
      return h(
        'tr',
        {},
        h('td', {}, name),
        h('td', {}, q.assignmentMethod),
        h('td', {}, String(q.agentIds.length)),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              onclick: () =>
                void send(client.queues[':id'].$patch({ param: { id: q.id }, json: { name: name.value } })).then(
                  loadQueues,
                  alertProblem,
                ),
            },
            t.save,
          ),
        ),
      );
    }),
  );
}
const alertProblem = (err: unknown) => {
  $('wizard-error').textContent = err instanceof ApiError ? err.problem.detail : String(err);
};
onSubmit('form-queue', async () => {
  clearErrors('queue');
  try {
    await send(
      client.queues.$post({
        json: {
          name: val('queue-name'),
          assignmentMethod: choice<'highest_capacity' | 'round_robin' | 'least_active'>('queue-method'),
          agentIds: [],
        },
      }),
    );
    $<HTMLInputElement>('queue-name').value = '';
    await loadQueues();
  } catch (err) {
    showProblem(err, 'queue');
  }
});

// ---- agents ----
async function loadAgents() {
  const items = (await send(client.agents.$get({ query: {} }))).items;
  $('agents').replaceChildren(
    ...items.map((a) => {
      const cap = h('input', {
        type: 'number',
        min: 0,
        max: 100,
        value: a.capacity,
        'aria-label': `${t.capacity}: ${a.name}`,
      }) as HTMLInputElement;
      const qs = h(
        'select',
        { multiple: true, 'aria-label': `${t.queues}: ${a.name}` },
        ...state.queues.map((q) => h('option', { value: q.id, selected: a.queueIds.includes(q.id) }, q.name)),
      ) as HTMLSelectElement;
      const save = async () => {
        try {
          await send(client.agents[':id'].$patch({ param: { id: a.id }, json: { capacity: Number(cap.value) } }));
          // Queue membership lives on the queue: add or remove this agent from each changed queue.
          for (const q of state.queues) {
            const want = Array.from(qs.selectedOptions).some((o) => o.value === q.id);
            const has = q.agentIds.includes(a.id);
            if (want === has) continue;
            const agentIds = want ? [...q.agentIds, a.id] : q.agentIds.filter((x) => x !== a.id);
            await send(client.queues[':id'].$patch({ param: { id: q.id }, json: { agentIds } }));
          }
          await loadQueues();
          await loadAgents();
        } catch (err) {
          alertProblem(err);
        }
      };
      return h(
        'tr',
        {},
        h('td', {}, a.name),
        h('td', {}, a.role),
        h('td', {}, cap),
        h('td', {}, qs),
        h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: () => void save() }, t.save)),
      );
    }),
  );
}
onSubmit('form-agent', async () => {
  clearErrors('agent');
  try {
    const a = await send(
      client.agents.$post({
        json: {
          name: val('agent-name'),
          role: choice<Role>('agent-role'),
          capacity: Number(val('agent-capacity')),
        },
      }),
    );
    const box = $('agent-token');
    box.hidden = false;
    box.replaceChildren(`${t.tokenOnce} — ${a.name}: `, h('code', {}, a.token));
    $<HTMLInputElement>('agent-name').value = '';
    await loadAgents();
  } catch (err) {
    showProblem(err, 'agent');
  }
});

// ---- routing rules ----
let workstreams: Workstream[] = [];
async function loadWorkstreams() {
  workstreams = (await send(client.workstreams.$get())).items;
  const sel = $<HTMLSelectElement>('rules-workstream');
  const chosen = sel.value || state.workstream?.id || '';
  sel.replaceChildren(...workstreams.map((w) => h('option', { value: w.id }, w.name)));
  if (chosen) sel.value = chosen;
  await loadRules();
}
async function loadRules() {
  const ws = $<HTMLSelectElement>('rules-workstream').value;
  if (!ws) return $('rules').replaceChildren();
  const rules = (await send(client.workstreams[':id']['routing-rules'].$get({ param: { id: ws } }))).items;
  $('rules').replaceChildren(
    ...rules.map((r) =>
      h(
        'tr',
        {},
        h('td', {}, String(r.order)),
        h('td', {}, r.name),
        h('td', {}, r.conditions.map((c) => `${c.field} ${c.operator} "${c.value}"`).join(' AND ')),
        h('td', {}, state.queues.find((q) => q.id === r.queueId)?.name ?? r.queueId),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: () =>
                void send(
                  client.workstreams[':id']['routing-rules'][':ruleId'].$delete({ param: { id: ws, ruleId: r.id } }),
                ).then(loadRules, alertProblem),
            },
            t.delete,
          ),
        ),
      ),
    ),
  );
}
$('rules-workstream').addEventListener('change', () => void loadRules());
onSubmit('form-rule', async () => {
  const ws = $<HTMLSelectElement>('rules-workstream').value;
  $('rule-error').textContent = '';
  try {
    await send(
      client.workstreams[':id']['routing-rules'].$post({
        param: { id: ws },
        json: {
          name: val('rule-name'),
          order: Number(val('rule-order')),
          conditions: [
            {
              field: choice('rule-field'),
              operator: choice('rule-operator'),
              value: val('rule-value'),
            },
          ],
          queueId: $<HTMLSelectElement>('rule-queue').value,
        },
      }),
    );
    await loadRules();
  } catch (err) {
    $('rule-error').textContent = err instanceof ApiError ? err.problem.detail : String(err);
  }
});

async function start() {
  await loadQueues();
  await Promise.all([loadAgents(), loadWorkstreams()]);
  document.documentElement.dataset.ready = String(Math.round(performance.now()));
}
void start().catch(alertProblem);
initCalendars(t);

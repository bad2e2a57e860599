import { preferredAgentsPart } from './agent-preferred-agents.js';
import { $, ApiError, call, client, formatTime, h, type Ok, pageData } from './common.js';

/**
 * The customer side panel: profile (name, tags, notes; language for supervisors), consent with its history and the
 * customer's past conversations with their transcripts. Shown for the selected conversation or a search hit.
 */

const byNumber = client.api.v1.customers[':number'];
export type Customer = Ok<Awaited<ReturnType<typeof byNumber.$get>>>;

const { t, staff } = pageData<{ t: Record<string, string>; staff: boolean }>();

let current: Customer | null = null;
let shownNumber: string | null = null;
let focusConversation: string | null = null;
/** Supervisors and admins set the customer's preferred agents here (the API lets only them). */
let preferred: ReturnType<typeof preferredAgentsPart> | null = null;

/** The customer shown in the panel (quick replies fill {CustomerName} from it). */
export const currentCustomer = () => current;

function render(c: Customer) {
  $('customer-panel').hidden = false;
  $('cust-number').textContent = `+${c.number}`;
  $<HTMLInputElement>('cust-name').value = c.name ?? '';
  $<HTMLInputElement>('cust-tags').value = c.tags.join(', ');
  $<HTMLTextAreaElement>('cust-notes').value = c.notes ?? '';
  const lang = document.getElementById('cust-language') as HTMLInputElement | null;
  if (lang) lang.value = c.language ?? '';
  $('cust-consent').replaceChildren(
    ...(c.consent.length === 0
      ? [h('li', { class: 'muted' }, t.wsConsentNone!)]
      : c.consent.map((k) =>
          h(
            'li',
            { 'data-opted-out': String(k.optedOut) },
            h('strong', {}, `+${k.supportNumber}: ${k.optedOut ? t.wsOptedOut : t.wsSubscribed}`),
            h(
              'ul',
              { class: 'muted' },
              ...k.history.map((e) =>
                h('li', {}, `${new Date(e.at).toLocaleString()} · ${e.optedOut ? 'STOP' : 'START'} · ${e.source}`),
              ),
            ),
          ),
        )),
  );
  const past = c.conversations;
  const via = (past.find((p) => p.id === focusConversation) ?? past[0])?.supportNumber ?? null;
  void preferred?.show(c.number, via);
  $('cust-history').replaceChildren(
    ...(past.length === 0
      ? [h('p', { class: 'muted' }, t.wsHistoryNone!)]
      : past.map((conv) =>
          h(
            'details',
            { class: 'ws-past', 'data-conversation-id': conv.id, open: conv.id === focusConversation },
            h(
              'summary',
              {},
              `${new Date(conv.createdAt).toLocaleDateString()} · ${t[conv.state] ?? conv.state} · ${conv.messages.length} ${conv.messages.length === 1 ? t.wsOneMessage : t.wsMessages}`,
            ),
            h(
              'ol',
              { class: 'transcript small' },
              ...conv.messages.map((m) =>
                h(
                  'li',
                  { class: `msg ${m.direction}` },
                  m.text,
                  h('span', { class: 'meta' }, `${formatTime(m.createdAt)} · ${m.direction}`),
                ),
              ),
            ),
          ),
        )),
  );
}

/** Shows the customer of `number` (a no-op when already shown, unless `force`); hides the panel when unknown. */
export async function showCustomer(number: string, opts: { conversationId?: string; force?: boolean } = {}) {
  focusConversation = opts.conversationId ?? null;
  // Live refreshes of the same conversation leave the panel alone: re-rendering would wipe an edit in progress.
  if (number === shownNumber && !opts.force && current) return;
  shownNumber = number;
  try {
    const c = await call(byNumber.$get({ param: { number } }));
    if (shownNumber !== number) return;
    current = c;
    render(c);
  } catch (err) {
    if (err instanceof ApiError && err.problem.status === 404) {
      current = null;
      $('customer-panel').hidden = true;
      return;
    }
    throw err;
  }
}

export function initCustomerPanel() {
  if (staff) {
    preferred = preferredAgentsPart(t);
    $('cust-form').after(preferred.node);
  }
  $('cust-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!shownNumber) return;
    $('cust-error').textContent = '';
    $('cust-status').textContent = '';
    const tags = $<HTMLInputElement>('cust-tags')
      .value.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const lang = document.getElementById('cust-language') as HTMLInputElement | null;
    try {
      current = await call(
        byNumber.$patch({
          param: { number: shownNumber },
          json: {
            name: $<HTMLInputElement>('cust-name').value.trim() || null,
            tags,
            notes: $<HTMLTextAreaElement>('cust-notes').value || null,
            ...(staff && lang ? { language: lang.value.trim() || null } : {}),
          },
        }),
      );
      render(current);
      $('cust-status').textContent = t.wsSaved!;
    } catch (err) {
      $('cust-error').textContent =
        err instanceof ApiError
          ? (err.problem.errors?.map((x) => `${x.path}: ${x.message}`).join('; ') ?? err.problem.detail)
          : String(err);
    }
  });
}

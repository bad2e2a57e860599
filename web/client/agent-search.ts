import { $, ApiError, call, client, h, type Ok, pageData } from './common.js';

/** Conversation search: results with the match highlighted (built from text segments, never from HTML). */

const search = client.api.v1.search;
type Page = Ok<Awaited<ReturnType<typeof search.$get>>>;
type Hit = Page['items'][number];

const { t } = pageData<{ t: Record<string, string> }>();
const MATCHED: Record<Hit['matchedOn'][number], string> = {
  text: 'wsMatchedText',
  name: 'wsMatchedName',
  number: 'wsMatchedNumber',
  tag: 'wsMatchedTag',
};

let query = '';
let cursor: string | null = null;

function hitItem(hit: Hit, onOpen: (hit: Hit) => void): HTMLElement {
  const snippet = h(
    'span',
    { class: 'snippet' },
    ...hit.highlight.segments.map((s) => (s.match ? h('mark', {}, s.text) : s.text)),
  );
  return h(
    'li',
    {},
    h(
      'button',
      { type: 'button', 'data-conversation-id': hit.conversationId, onclick: () => onOpen(hit) },
      h('strong', {}, `+${hit.customerNumber}`),
      hit.customerName ? ` · ${hit.customerName}` : '',
      h(
        'span',
        { class: 'muted' },
        ` · ${t[hit.state] ?? hit.state} · ${hit.matchedOn.map((m) => t[MATCHED[m]]).join(', ')}`,
      ),
      snippet,
    ),
  );
}

async function run(onOpen: (hit: Hit) => void, more: boolean) {
  const status = $('ws-search-status');
  $('ws-search-results').hidden = false;
  try {
    const page = await call(search.$get({ query: { q: query, limit: '20', ...(more && cursor ? { cursor } : {}) } }));
    const items = page.items.map((hit) => hitItem(hit, onOpen));
    if (more) $('ws-search-list').append(...items);
    else $('ws-search-list').replaceChildren(...items);
    cursor = page.nextCursor;
    $('ws-search-more').hidden = !cursor;
    status.textContent = $('ws-search-list').childElementCount === 0 ? t.wsSearchNone! : '';
  } catch (err) {
    status.textContent = err instanceof ApiError ? err.problem.detail : String(err);
  }
}

/** `onOpen` shows a hit: the customer's panel, and the conversation itself when the caller may open it. */
export function initSearch(onOpen: (hit: Hit) => void) {
  $('ws-search').addEventListener('submit', (e) => {
    e.preventDefault();
    query = $<HTMLInputElement>('ws-search-q').value.trim();
    if (!query) return;
    cursor = null;
    void run(onOpen, false);
  });
  $('ws-search-more').addEventListener('click', () => void run(onOpen, true));
  $('ws-search-close').addEventListener('click', () => {
    $('ws-search-results').hidden = true;
    $('ws-search-q').focus();
  });
}

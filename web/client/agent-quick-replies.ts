import { $, call, client, h, type Ok, pageData } from './common.js';

/**
 * Quick replies in the composer: typing `/` at the start of a word opens a list of the replies that fit the
 * conversation (global or its queue, any or its language), filtered by what follows the `/` (title or text);
 * arrows move, Enter or Tab inserts with the placeholders filled in, Escape closes. Inserting fires `input`, so the
 * segment counter updates as if the agent had typed it.
 */

const quickReplies = client.api.v1['quick-replies'];
type QuickReply = Ok<Awaited<ReturnType<typeof quickReplies.$get>>>['items'][number];

export type ReplyContext = {
  customerName: string;
  agentName: string;
  queueName: string;
  queueId: string | null;
  language: string | null;
};

const { t } = pageData<{ t: Record<string, string> }>();

let all: QuickReply[] = [];
let shown: QuickReply[] = [];
let active = 0;
/** Where the `/word` being typed starts in the textarea. */
let slashAt = -1;

const TRIGGER = /(^|\s)\/([^\s/]*)$/u;

export function fillPlaceholders(text: string, ctx: ReplyContext): string {
  return text
    .replaceAll('{CustomerName}', ctx.customerName)
    .replaceAll('{AgentName}', ctx.agentName)
    .replaceAll('{QueueName}', ctx.queueName);
}

const fold = (s: string) => s.toLocaleLowerCase();

export function initQuickReplies(reply: HTMLTextAreaElement, context: () => ReplyContext) {
  const popup = $('qr-popup');
  const list = $('qr-list');
  reply.setAttribute('aria-autocomplete', 'list');
  reply.setAttribute('aria-controls', 'qr-list');

  const load = async () => {
    all = (await call(quickReplies.$get({ query: {} }))).items;
  };
  void load().catch(() => {});

  const close = () => {
    popup.hidden = true;
    slashAt = -1;
    reply.removeAttribute('aria-activedescendant');
  };

  const render = () => {
    list.replaceChildren(
      ...shown.map((q, i) =>
        h(
          'div',
          {
            id: `qr-${q.id}`,
            role: 'option',
            'aria-selected': String(i === active),
            onmousedown: (e: Event) => {
              e.preventDefault(); // keep the focus in the textarea
              insert(q);
            },
          },
          h('strong', {}, q.title),
          h('span', { class: 'muted' }, ` ${q.text}`),
        ),
      ),
    );
    $('qr-empty').hidden = shown.length > 0;
    const chosen = shown[active];
    if (chosen) {
      reply.setAttribute('aria-activedescendant', `qr-${chosen.id}`);
      document.getElementById(`qr-${chosen.id}`)?.scrollIntoView({ block: 'nearest' });
    } else reply.removeAttribute('aria-activedescendant');
  };

  const insert = (q: QuickReply) => {
    const caret = reply.selectionStart ?? reply.value.length;
    const text = fillPlaceholders(q.text, context());
    reply.value = reply.value.slice(0, slashAt) + text + reply.value.slice(caret);
    const at = slashAt + text.length;
    reply.setSelectionRange(at, at);
    close();
    reply.dispatchEvent(new Event('input', { bubbles: true }));
    reply.focus();
  };

  reply.addEventListener('input', () => {
    const caret = reply.selectionStart ?? reply.value.length;
    const m = TRIGGER.exec(reply.value.slice(0, caret));
    if (!m) return close();
    const ctx = context();
    const filter = fold(m[2] ?? '');
    slashAt = caret - (m[2] ?? '').length - 1;
    shown = all.filter(
      (q) =>
        (q.queueId === null || q.queueId === ctx.queueId) &&
        (q.language === null || ctx.language === null || q.language === ctx.language) &&
        (fold(q.title).includes(filter) || fold(q.text).includes(filter)),
    );
    active = 0;
    popup.hidden = false;
    render();
  });

  // Capture on the document: runs before the composer's own keys (Enter sends), so the popup owns them while open.
  document.addEventListener(
    'keydown',
    (e) => {
      if (popup.hidden || e.target !== reply) return;
      const keys: Record<string, () => void> = {
        ArrowDown: () => {
          active = shown.length ? (active + 1) % shown.length : 0;
          render();
        },
        ArrowUp: () => {
          active = shown.length ? (active - 1 + shown.length) % shown.length : 0;
          render();
        },
        Enter: () => {
          const q = shown[active];
          if (q) insert(q);
          else close();
        },
        Tab: () => {
          const q = shown[active];
          if (q) insert(q);
          else close();
        },
        Escape: () => close(),
      };
      const run = keys[e.key];
      if (!run || (e.key === 'Tab' && shown.length === 0)) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      run();
    },
    true,
  );
  reply.addEventListener('blur', () => setTimeout(close, 150));
  return { reload: load, label: t.wsQuickReplies };
}
